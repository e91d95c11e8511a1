import { describe, expect, it } from 'vitest'
import { ManualClock } from '../../../src/core/clock.js'
import type { Fill, Instrument } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import { decodeUsdmUserEvent } from '../../../src/exchanges/binance/decodeUserEvent.js'
import { orderTradeUpdateToEvent } from '../../../src/exchanges/binance/mapping.js'
import { OrderExecutor } from '../../../src/execution/live/OrderExecutor.js'
import { Portfolio } from '../../../src/execution/Portfolio.js'
import { FakeExchangeAdapter } from '../../../src/execution/testing/FakeExchangeAdapter.js'

/**
 * Liquidation and ADL executions of `ORDER_TRADE_UPDATE`, in the shape of Binance's documented example
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/user-data-streams/Event-Order-Update:
 * "Execution Type ... CALCULATED - Liquidation Execution"; "If user gets liquidated ... c shows as autoclose-XXX";
 * "If user has enough margin balance but gets ADL: c shows as adl_autoclose"; order type LIQUIDATION), with the
 * numbers of issue 23: X=FILLED, l=0.100, L=50000.00, n=5.
 */
const update = (c: string, x: string, o: string, t: number) => ({
  e: 'ORDER_TRADE_UPDATE',
  E: 1700000000100,
  T: 1700000000099,
  o: {
    s: 'BTCUSDT',
    c,
    S: 'SELL',
    o,
    f: 'IOC',
    q: '0.100',
    p: '49000.00',
    ap: '50000.00',
    sp: '0',
    x,
    X: 'FILLED',
    i: 8886774 + t,
    l: '0.100',
    z: '0.100',
    L: '50000.00',
    N: 'USDT',
    n: '5',
    T: 1700000000099,
    t,
    b: '0',
    a: '0',
    m: false,
    R: false,
    wt: 'CONTRACT_PRICE',
    ot: o,
    ps: 'BOTH',
    cp: false,
    rp: '-120.5',
    pP: false,
    si: 0,
    ss: 0,
    V: 'NONE',
    pm: 'NONE',
    gtd: 0,
  },
})

const PERP: Instrument = {
  venue: 'binance-usdm',
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  kind: 'perpetual',
  tickSize: new Decimal('0.1'),
  stepSize: new Decimal('0.001'),
  minQty: new Decimal('0.001'),
  minNotional: new Decimal('5'),
}

function fillOf(raw: unknown): Fill {
  const r = decodeUsdmUserEvent(raw)
  if (!r.ok || r.value.kind !== 'orderTrade') throw new Error('not decoded')
  const m = orderTradeUpdateToEvent(r.value.update, 'binance-usdm')
  if (m?.fill === undefined) throw new Error('no fill')
  return m.fill
}

describe('USD-M liquidation and ADL executions', () => {
  it('CALCULATED (liquidation) yields a fill with price, qty and fee', () => {
    const f = fillOf(update('autoclose-1700000000099', 'CALCULATED', 'LIQUIDATION', 1))
    expect(f).toMatchObject({ side: 'SELL', origin: 'liquidation', feeAsset: 'USDT', tradeId: '1' })
    expect([f.price.toFixed(), f.qty.toFixed(), f.fee.toFixed()]).toEqual(['50000', '0.1', '5'])
  })

  it('ADL (adl_autoclose, TRADE or CALCULATED) yields a fill', () => {
    expect(fillOf(update('adl_autoclose', 'TRADE', 'MARKET', 2)).origin).toBe('adl')
    expect(fillOf(update('adl_autoclose', 'CALCULATED', 'LIQUIDATION', 3)).origin).toBe('adl')
  })

  it('a regular trade carries no origin', () => {
    expect(fillOf(update('mine-1', 'TRADE', 'MARKET', 4)).origin).toBeUndefined()
  })

  it('reaches the Portfolio through the OrderExecutor: position, price and fee', async () => {
    const clock = new ManualClock(1700000000000)
    const adapter = new FakeExchangeAdapter('binance-usdm', [PERP], () => clock.now())
    const exec = new OrderExecutor({ adapter, clock })
    const portfolio = new Portfolio({ balances: { USDT: '10000' }, instruments: [PERP], clock })
    portfolio.attach(exec)
    const errors: unknown[] = []
    exec.events.on('error', (e) => errors.push(e))
    portfolio.events.on('error', (e) => errors.push(e))
    await exec.start()
    // An open long of 0.3 BTC the bot bought earlier.
    portfolio.applyFill({
      venue: 'binance-usdm',
      symbol: 'BTCUSDT',
      clientOrderId: 'open-1',
      tradeId: '100',
      side: 'BUY',
      price: new Decimal('51000'),
      qty: new Decimal('0.3'),
      fee: new Decimal('0'),
      feeAsset: 'USDT',
      liquidity: 'TAKER',
      tsEvent: 1699999999000,
    })
    const cash = portfolio.cash('USDT')
    for (const [c, x, o, t] of [
      ['autoclose-1700000000099', 'CALCULATED', 'LIQUIDATION', 11],
      ['adl_autoclose', 'CALCULATED', 'LIQUIDATION', 12],
    ] as const) {
      const fill = fillOf(update(c, x, o, t))
      adapter.events.emit('fill', { type: 'fill', fill, tsEvent: fill.tsEvent })
      adapter.events.emit('fill', { type: 'fill', fill, tsEvent: fill.tsEvent }) // replayed: booked once
    }
    expect(errors).toEqual([])
    const p = portfolio.position('binance-usdm', 'BTCUSDT')
    expect(p?.qty.toFixed()).toBe('0.1')
    // Two fees of 5 USDT and the realized loss the venue booked for each (`rp` −120.5, not the portfolio's own
    // 0.1 × (50000 − 51000)) reach the cash: the cash follows the venue's wallet.
    expect(cash.minus(portfolio.cash('USDT')).toFixed()).toBe('251')
    expect(p?.realizedPnl.toFixed()).toBe('-251')
    await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 1 })
  })
})
