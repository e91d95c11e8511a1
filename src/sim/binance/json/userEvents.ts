import { Decimal } from '../../../decimal/index.js'
import {
  isOpen,
  type SimAccount,
  type SimAlgoOrder,
  type SimEngine,
  type SimFill,
  type SimOrder,
} from '../engine.js'
import type { SimSymbolMarket } from '../market.js'

/** A spot order change as the user-data stream's `executionReport` sends it. */
export function executionReportJson(
  o: SimOrder,
  m: SimSymbolMarket,
  x: string,
  fill: SimFill | undefined,
  now: number,
): Record<string, unknown> {
  return {
    e: 'executionReport',
    E: now,
    s: o.symbol,
    c: o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: o.origQty.toFixed(m.qtyDp),
    p: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
    P: '0.00000000',
    F: '0.00000000',
    g: -1,
    C: x === 'CANCELED' ? o.clientOrderId : '',
    x,
    X: o.status,
    r: 'NONE',
    i: o.orderId,
    l: fill ? fill.qty.toFixed(m.qtyDp) : '0',
    z: o.executedQty.toFixed(m.qtyDp),
    L: fill ? fill.price.toFixed(m.priceDp) : '0',
    n: fill ? fill.commission.toFixed(8) : '0',
    N: fill ? fill.commissionAsset : null,
    T: now,
    t: fill ? fill.tradeId : -1,
    v: 0,
    I: 0,
    w: isOpen(o),
    m: fill?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: o.cumQuote.toFixed(8),
    Y: fill ? fill.price.times(fill.qty).toFixed(8) : '0',
    Q: '0.00000000',
    W: o.time,
    V: 'EXPIRE_MAKER',
  }
}

/** A USD-M order change as the user-data stream's `ORDER_TRADE_UPDATE` sends it. */
export function orderTradeUpdateJson(
  o: SimOrder,
  m: SimSymbolMarket,
  x: string,
  fill: SimFill | undefined,
  now: number,
): Record<string, unknown> {
  const avg = o.executedQty.isZero() ? new Decimal(0) : o.cumQuote.div(o.executedQty)
  return {
    e: 'ORDER_TRADE_UPDATE',
    E: now,
    T: now,
    o: {
      s: o.symbol,
      c: o.clientOrderId,
      S: o.side,
      o: o.type,
      f: o.timeInForce,
      q: o.origQty.toFixed(m.qtyDp),
      p: (o.price ?? new Decimal(0)).toFixed(m.priceDp),
      ap: avg.toFixed(8),
      sp: '0',
      x,
      X: o.status,
      i: o.orderId,
      l: fill ? fill.qty.toFixed(m.qtyDp) : '0',
      z: o.executedQty.toFixed(m.qtyDp),
      L: fill ? fill.price.toFixed(m.priceDp) : '0',
      N: fill ? fill.commissionAsset : 'USDT',
      n: fill ? fill.commission.toFixed(8) : '0',
      T: now,
      t: fill ? fill.tradeId : 0,
      b: '0',
      a: '0',
      m: fill?.isMaker ?? false,
      R: o.reduceOnly,
      wt: 'CONTRACT_PRICE',
      ot: o.type,
      ps: 'BOTH',
      cp: false,
      rp: fill ? fill.realizedPnl.toFixed(8) : '0',
      pP: false,
      si: 0,
      ss: 0,
      V: 'EXPIRE_MAKER',
      pm: 'NONE',
      gtd: 0,
    },
  }
}

/** Spot balances after a change, as the user-data stream's `outboundAccountPosition` sends them. */
export function outboundAccountPositionJson(
  acc: SimAccount,
  assets: readonly string[],
  now: number,
): Record<string, unknown> {
  return {
    e: 'outboundAccountPosition',
    E: now,
    u: now,
    B: assets.map((a) => {
      const b = acc.spot.get(a)
      return { a, f: (b?.free ?? new Decimal(0)).toFixed(8), l: (b?.locked ?? new Decimal(0)).toFixed(8) }
    }),
  }
}

/**
 * A deposit, withdrawal or transfer between wallets, as the spot user-data stream's `balanceUpdate` sends it
 * (`d`: the signed balance delta, `T`: the clear time; binance-spot-api-docs user-data-stream.md, "Balance Update").
 */
export function balanceUpdateJson(asset: string, delta: Decimal, now: number): Record<string, unknown> {
  return { e: 'balanceUpdate', E: now, a: asset, d: delta.toFixed(8), T: now }
}

/** A USD-M wallet and position change, as the user-data stream's `ACCOUNT_UPDATE` sends it (`bc`: `balanceChange`). */
export function accountUpdateJson(
  engine: SimEngine,
  acc: SimAccount,
  symbols: readonly string[],
  reason: string,
  now: number,
  balanceChange?: Decimal,
): Record<string, unknown> {
  const wallet = acc.futuresWallet.toFixed(8)
  return {
    e: 'ACCOUNT_UPDATE',
    E: now,
    T: now,
    a: {
      m: reason,
      B: [{ a: 'USDT', wb: wallet, cw: wallet, bc: balanceChange?.toFixed(8) ?? '0' }],
      P: symbols.map((s) => {
        const p = engine.position(acc, s)
        const m = engine.market('usdm', s)
        return {
          s,
          pa: p.qty.toFixed(m.qtyDp),
          ep: p.entryPrice.toFixed(8),
          bep: '0',
          cr: p.realizedPnl.toFixed(8),
          up: engine.unrealized(acc, s).toFixed(8),
          mt: 'cross',
          iw: '0',
          ps: 'BOTH',
        }
      }),
    },
  }
}

/** A conditional order change, as the USD-M user-data stream's `ALGO_UPDATE` sends it. */
export function algoUpdateJson(a: SimAlgoOrder, m: SimSymbolMarket, now: number): Record<string, unknown> {
  return {
    e: 'ALGO_UPDATE',
    T: now,
    E: now,
    o: {
      caid: a.clientAlgoId,
      aid: a.algoId,
      at: 'CONDITIONAL',
      o: a.orderType,
      s: a.symbol,
      S: a.side,
      ps: 'BOTH',
      f: a.timeInForce,
      q: a.quantity.toFixed(m.qtyDp),
      X: a.algoStatus,
      ai: a.actualOrderId !== undefined ? String(a.actualOrderId) : '',
      ap: '0.00000',
      aq: '0.00000',
      act: '0',
      tp: (a.triggerPrice ?? new Decimal(0)).toFixed(m.priceDp),
      p: (a.price ?? new Decimal(0)).toFixed(m.priceDp),
      V: 'EXPIRE_MAKER',
      wt: a.workingType,
      pm: 'NONE',
      cp: false,
      pP: false,
      R: a.reduceOnly,
      tt: a.triggerTime,
      gtd: 0,
      rm: '',
    },
  }
}
