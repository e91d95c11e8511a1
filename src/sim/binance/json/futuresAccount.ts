import { Decimal } from '../../../decimal/index.js'
import { isOpen, SIM_LEVERAGE_BRACKETS, type SimAccount, type SimEngine } from '../engine.js'
import type { SimSymbolMarket } from '../market.js'
import { futuresBalanceJson, type NowFn } from './account.js'

/** Margin figures of one USD-M symbol of an account, at the current mark price (one-way mode, cross margin). */
export interface SymbolMargins {
  readonly qty: Decimal
  readonly mark: Decimal
  readonly notional: Decimal
  readonly unrealized: Decimal
  readonly positionInitialMargin: Decimal
  readonly openOrderInitialMargin: Decimal
  readonly maintMargin: Decimal
  /** Notional of open buy / sell orders. */
  readonly bidNotional: Decimal
  readonly askNotional: Decimal
  /** Open orders on the symbol. */
  readonly openOrders: number
}

const D = (x: string | number) => new Decimal(x)

/**
 * One symbol's margins: position initial margin `|qty| × mark / leverage`, open-order initial margin (resting
 * non-reduce-only remainder × price / leverage, as `usedMargin` counts it) and maintenance margin
 * `|notional| × maintMarginRatio − cum` of the bracket the notional falls in.
 */
export function symbolMargins(engine: SimEngine, acc: SimAccount, m: SimSymbolMarket): SymbolMargins {
  const sym = m.spec.symbol
  const qty = acc.positions.get(sym)?.qty ?? D(0)
  const mark = D(m.px(m.midTicks))
  const lev = engine.leverageOf(acc, sym)
  const notional = qty.times(mark)
  const abs = notional.abs()
  const bracket =
    SIM_LEVERAGE_BRACKETS.find((b) => abs.lt(b.notionalCap)) ??
    SIM_LEVERAGE_BRACKETS[SIM_LEVERAGE_BRACKETS.length - 1]
  const maint =
    qty.isZero() || bracket === undefined ? D(0) : abs.times(bracket.maintMarginRatio).minus(bracket.cum)
  let bid = D(0)
  let ask = D(0)
  let orderIm = D(0)
  let openOrders = 0
  for (const o of engine.orders) {
    if (o.market !== 'usdm' || o.account !== acc.apiKey || o.symbol !== sym || !isOpen(o)) continue
    openOrders++
    if (o.price === undefined) continue
    const rest = o.origQty.minus(o.executedQty).times(o.price)
    if (o.side === 'BUY') bid = bid.plus(rest)
    else ask = ask.plus(rest)
    if (!o.reduceOnly) orderIm = orderIm.plus(rest.div(lev))
  }
  return {
    qty,
    mark,
    notional,
    unrealized: engine.unrealized(acc, sym),
    positionInitialMargin: abs.div(lev),
    openOrderInitialMargin: orderIm,
    maintMargin: Decimal.max(0, maint),
    bidNotional: bid,
    askNotional: ask,
    openOrders,
  }
}

/** Symbols with a position or open orders: the only ones `/fapi/v3/positionRisk` and `/fapi/v3/account` list. */
export function activeSymbols(engine: SimEngine, acc: SimAccount): SimSymbolMarket[] {
  return [...engine.markets.usdm.values()].filter((m) => {
    const mm = symbolMargins(engine, acc, m)
    return !mm.qty.isZero() || mm.openOrders > 0
  })
}

/**
 * A USD-M position in the `GET /fapi/v3/positionRisk` layout (adds marginAsset, initialMargin, maintMargin,
 * positionInitialMargin, openOrderInitialMargin, adl, bid/askNotional; drops leverage, marginType...).
 * Source: https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
 */
export function positionV3Json(
  engine: SimEngine,
  acc: SimAccount,
  m: SimSymbolMarket,
  now: NowFn,
): Record<string, unknown> {
  const x = symbolMargins(engine, acc, m)
  const p = acc.positions.get(m.spec.symbol)
  const entry = p?.entryPrice ?? D(0)
  return {
    symbol: m.spec.symbol,
    positionSide: 'BOTH',
    positionAmt: x.qty.toFixed(m.qtyDp),
    entryPrice: entry.toFixed(8),
    breakEvenPrice: entry.toFixed(8),
    markPrice: x.mark.toFixed(8),
    unRealizedProfit: x.unrealized.toFixed(8),
    liquidationPrice: '0',
    isolatedMargin: '0',
    notional: x.notional.toFixed(8),
    marginAsset: 'USDT',
    isolatedWallet: '0',
    initialMargin: x.positionInitialMargin.plus(x.openOrderInitialMargin).toFixed(8),
    maintMargin: x.maintMargin.toFixed(8),
    positionInitialMargin: x.positionInitialMargin.toFixed(8),
    openOrderInitialMargin: x.openOrderInitialMargin.toFixed(8),
    adl: 0,
    bidNotional: x.bidNotional.toFixed(8),
    askNotional: x.askNotional.toFixed(8),
    updateTime: now(),
  }
}

function totals(engine: SimEngine, acc: SimAccount) {
  let pim = D(0)
  let oim = D(0)
  let mm = D(0)
  for (const m of engine.markets.usdm.values()) {
    const x = symbolMargins(engine, acc, m)
    pim = pim.plus(x.positionInitialMargin)
    oim = oim.plus(x.openOrderInitialMargin)
    mm = mm.plus(x.maintMargin)
  }
  return { pim, oim, mm }
}

/**
 * A USD-M account as `GET /fapi/v2/account` or `GET /fapi/v3/account` reports it (single-asset mode, USDT):
 * totals, per-asset margins, and positions — every symbol in v2, only those with a position or open orders in
 * v3 (v3 also drops the v2-only fields: feeTier, canTrade, leverage, entryPrice...).
 * Sources: https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V3
 * and .../Account-Information-V2.
 */
export function futuresAccountJson(
  engine: SimEngine,
  acc: SimAccount,
  now: NowFn,
  version: 2 | 3 = 3,
): Record<string, unknown> {
  const b = futuresBalanceJson(engine, acc, now)
  const { pim, oim, mm } = totals(engine, acc)
  const wallet = acc.futuresWallet
  const upnl = D(String(b.crossUnPnl))
  const margin = wallet.plus(upnl)
  const sums = {
    totalInitialMargin: pim.plus(oim).toFixed(8),
    totalMaintMargin: mm.toFixed(8),
    totalWalletBalance: wallet.toFixed(8),
    totalUnrealizedProfit: upnl.toFixed(8),
    totalMarginBalance: margin.toFixed(8),
    totalPositionInitialMargin: pim.toFixed(8),
    totalOpenOrderInitialMargin: oim.toFixed(8),
    totalCrossWalletBalance: wallet.toFixed(8),
    totalCrossUnPnl: upnl.toFixed(8),
    availableBalance: b.availableBalance,
    maxWithdrawAmount: b.maxWithdrawAmount,
  }
  const asset = {
    asset: 'USDT',
    walletBalance: wallet.toFixed(8),
    unrealizedProfit: upnl.toFixed(8),
    marginBalance: margin.toFixed(8),
    maintMargin: mm.toFixed(8),
    initialMargin: pim.plus(oim).toFixed(8),
    positionInitialMargin: pim.toFixed(8),
    openOrderInitialMargin: oim.toFixed(8),
    crossWalletBalance: wallet.toFixed(8),
    crossUnPnl: upnl.toFixed(8),
    availableBalance: b.availableBalance,
    maxWithdrawAmount: b.maxWithdrawAmount,
    ...(version === 2 ? { marginAvailable: true } : {}),
    updateTime: now(),
  }
  const markets = version === 3 ? activeSymbols(engine, acc) : [...engine.markets.usdm.values()]
  const positions = markets.map((m) => {
    const x = symbolMargins(engine, acc, m)
    const common = {
      symbol: m.spec.symbol,
      positionSide: 'BOTH',
      positionAmt: x.qty.toFixed(m.qtyDp),
      unrealizedProfit: x.unrealized.toFixed(8),
      initialMargin: x.positionInitialMargin.plus(x.openOrderInitialMargin).toFixed(8),
      maintMargin: x.maintMargin.toFixed(8),
      updateTime: now(),
    }
    if (version === 3)
      return { ...common, isolatedMargin: '0', notional: x.notional.toFixed(8), isolatedWallet: '0' }
    const entry = (acc.positions.get(m.spec.symbol)?.entryPrice ?? D(0)).toFixed(8)
    return {
      ...common,
      positionInitialMargin: x.positionInitialMargin.toFixed(8),
      openOrderInitialMargin: x.openOrderInitialMargin.toFixed(8),
      leverage: String(engine.leverageOf(acc, m.spec.symbol)),
      isolated: false,
      entryPrice: entry,
      breakEvenPrice: entry,
      maxNotional: '50000',
      bidNotional: x.bidNotional.toFixed(8),
      askNotional: x.askNotional.toFixed(8),
    }
  })
  const v2 = { feeTier: 0, feeBurn: false, canTrade: true, canDeposit: true, canWithdraw: true }
  return {
    ...(version === 2 ? { ...v2, updateTime: 0, multiAssetsMargin: false, tradeGroupId: -1 } : {}),
    ...sums,
    assets: [asset],
    positions,
  }
}
