import { Decimal } from '../../../decimal/index.js'
import type { SimAccount, SimEngine } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'

/** Server time in epoch ms, read at each use (as the sim's `now()`). */
export type NowFn = () => number

/** A USD-M symbol's mark price and funding as `GET /fapi/v1/premiumIndex` reports it. */
export function premiumJson(m: SimSymbolMarket, now: number): Record<string, unknown> {
  return {
    symbol: m.spec.symbol,
    markPrice: m.px(m.midTicks),
    indexPrice: m.px(m.midTicks),
    estimatedSettlePrice: m.px(m.midTicks),
    lastFundingRate: '0.00010000',
    interestRate: '0.00010000',
    nextFundingTime: Math.ceil((now + 1) / 28_800_000) * 28_800_000,
    time: now,
  }
}

/** The spot account as `GET /api/v3/account` reports it. */
export function spotAccountJson(acc: SimAccount, now: NowFn): Record<string, unknown> {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: {
      maker: '0.00100000',
      taker: '0.00100000',
      buyer: '0.00000000',
      seller: '0.00000000',
    },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime: now(),
    accountType: 'SPOT',
    balances: [...acc.spot.entries()].map(([asset, b]) => ({
      asset,
      free: b.free.toFixed(8),
      locked: b.locked.toFixed(8),
    })),
    permissions: ['SPOT'],
    uid: 1,
  }
}

/** The USDT balance of a USD-M account as `GET /fapi/v2/balance` reports it. */
export function futuresBalanceJson(engine: SimEngine, acc: SimAccount, now: NowFn): Record<string, unknown> {
  let upnl = new Decimal(0)
  for (const s of acc.positions.keys()) upnl = upnl.plus(engine.unrealized(acc, s))
  const avail = engine.availableBalance(acc)
  return {
    accountAlias: 'SimAcct',
    asset: 'USDT',
    balance: acc.futuresWallet.toFixed(8),
    crossWalletBalance: acc.futuresWallet.toFixed(8),
    crossUnPnl: upnl.toFixed(8),
    availableBalance: avail.toFixed(8),
    maxWithdrawAmount: Decimal.max(0, avail).toFixed(8),
    marginAvailable: true,
    updateTime: now(),
  }
}

/** A USD-M position as `GET /fapi/v2/positionRisk` reports it. */
export function positionJson(
  engine: SimEngine,
  acc: SimAccount,
  m: SimSymbolMarket,
  now: NowFn,
): Record<string, unknown> {
  const p = acc.positions.get(m.spec.symbol)
  const qty = p?.qty ?? new Decimal(0)
  const mark = new Decimal(m.px(m.midTicks))
  return {
    symbol: m.spec.symbol,
    positionAmt: qty.toFixed(m.qtyDp),
    entryPrice: (p?.entryPrice ?? new Decimal(0)).toFixed(8),
    breakEvenPrice: '0.0',
    markPrice: mark.toFixed(8),
    unRealizedProfit: engine.unrealized(acc, m.spec.symbol).toFixed(8),
    liquidationPrice: '0',
    leverage: String(engine.leverageOf(acc, m.spec.symbol)),
    maxNotionalValue: '50000',
    marginType: 'cross',
    isolatedMargin: '0.00000000',
    isAutoAddMargin: 'false',
    positionSide: 'BOTH',
    notional: qty.times(mark).toFixed(8),
    isolatedWallet: '0',
    updateTime: now(),
  }
}
