import { Wallet } from 'ethers'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrderIntent } from '../../../src/core/index.js'
import { Decimal } from '../../../src/decimal/index.js'
import type { TradekitError } from '../../../src/errors/index.js'
import { PolymarketAdapter } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor, Portfolio } from '../../../src/execution/index.js'
import { RiskManager } from '../../../src/risk/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

// Regression tests for two chaos-soak findings: a trade whose settlement FAILED was never taken back out of the
// Portfolio, and a FOK market BUY that matched fewer shares than asked lost its fills when the user channel was down.

const wallet = new Wallet('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d')
const open: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c.close()
})

async function until(cond: () => boolean, timeoutMs = 8000): Promise<void> {
  const start = Date.now()
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The restarted bot: the same account, nothing remembered. */
async function restart(sim: PolymarketSim) {
  const again = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    settleRecheckAfterMs: 50,
  })
  open.push(again)
  await again.rest.createOrDeriveApiKey()
  const exec2 = new OrderExecutor({ adapter: again, queryIntervalMs: 100 })
  const errors2: TradekitError[] = []
  exec2.events.on('error', (e) => errors2.push(e))
  await exec2.start()
  await until(() => sim.connections.user === 1)
  return { again, exec2, errors2 }
}

async function setup() {
  const sim = await PolymarketSim.start({ seed: 21, settlementDelayMs: 10 })
  open.push(sim)
  const adapter = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    reconnectBaseMs: 20,
    pingIntervalMs: 100,
    settleRecheckAfterMs: 50,
  })
  open.push(adapter)
  await adapter.rest.createOrDeriveApiKey()
  const clob = adapter.rest
  const market = sim.markets[0]!
  const yes = market.tokens[0].tokenId
  const inst = await adapter.instrument(yes)
  const exec = new OrderExecutor({ adapter, queryIntervalMs: 100 })
  const errors: TradekitError[] = []
  exec.events.on('error', (e) => errors.push(e))
  const start = sim.ledger().balances[wallet.address.toLowerCase()]
  const portfolio = new Portfolio({
    accountCurrency: 'pUSD',
    balances: { pUSD: start?.pusd ?? '0' },
    instruments: [inst],
  })
  portfolio.events.on('error', (e) => errors.push(e))
  portfolio.attach(exec)
  await exec.start()
  await until(() => sim.connections.user === 1)
  const venue = () => {
    const b = sim.ledger().balances[wallet.address.toLowerCase()]
    return { pusd: b?.pusd ?? '0', shares: b?.tokens[yes] ?? '0' }
  }
  const ours = () => ({
    pusd: portfolio.cash('pUSD').toFixed(),
    shares: portfolio.position('polymarket', yes)?.qty.toFixed() ?? '0',
  })
  const buy = (qty: string, type: 'MARKET' | 'LIMIT', price?: string): OrderIntent => ({
    clientOrderId: '',
    venue: 'polymarket',
    symbol: yes,
    side: 'BUY',
    type,
    qty: new Decimal(qty),
    strategyId: 't',
    ...(price !== undefined ? { price: new Decimal(price), timeInForce: 'GTC' as const } : {}),
  })
  return { sim, adapter, clob, exec, portfolio, errors, yes, venue, ours, buy }
}

describe('Polymarket settlement and lost fills, end to end (OrderExecutor + Portfolio vs PolymarketSim)', () => {
  it('a trade whose settlement FAILED is reversed: the Portfolio gives the shares and pUSD back', async () => {
    const { sim, adapter, clob, exec, portfolio, errors, yes, venue, ours, buy } = await setup()
    const before = venue()
    const reversed: string[] = []
    exec.events.on('fill.reversed', (e) => reversed.push(e.fill.tradeId))
    sim.faults.settlement('fail')
    const ask = String((await clob.getBook(yes)).asks[0]![0])
    const order = await exec.submit(buy('10', 'LIMIT', ask))
    await until(() => reversed.length === 1)
    expect(sim.ledger().trades.map((t) => t.status)).toEqual(['FAILED'])
    expect(venue()).toEqual(before)
    expect(ours()).toEqual(venue())
    // The order keeps what the venue matched; only the position and cash were given back.
    expect(exec.order(order.clientOrderId)?.status).toBe('FILLED')
    expect(portfolio.position('polymarket', yes)?.entryPrice).toBeUndefined()
    // A second report of the FAILED trade (the venue's record over REST) changes nothing.
    expect((await adapter.orderFills(yes, order.clientOrderId)).map((f) => f.tradeId)).toEqual(reversed)
    expect(ours()).toEqual(venue())
    expect(reversed).toHaveLength(1)
    expect(errors).toEqual([])
  })

  it('shares of a BUY not settled yet cannot be sold, so its FAILED settlement leaves the venue and Portfolio equal', async () => {
    // Soak finding (issue 21): the sim let a bought lot be sold while its trade was still MATCHED; the trade then FAILED
    // and the sim took the shares back into a negative holding, which the Portfolio (rightly) refused to copy. The
    // venue counts settled balances only: a sell right after a `matched` buy is refused with "not enough balance /
    // allowance" (py-clob-client#287, #290).
    const { sim, exec, clob, errors, yes, venue, ours, buy } = await setup()
    const reversed: string[] = []
    exec.events.on('fill.reversed', (e) => reversed.push(e.fill.tradeId))
    const before = venue()
    sim.faults.settlement('hold')
    const ask = String((await clob.getBook(yes)).asks[0]![0])
    const bought = await exec.submit(buy('7', 'LIMIT', ask))
    await until(() => exec.order(bought.clientOrderId)?.status === 'FILLED')
    sim.faults.settlement('confirm')
    const bid = String((await clob.getBook(yes)).bids[0]![0])
    const sell = (): OrderIntent => ({ ...buy('7', 'LIMIT', bid), side: 'SELL' })
    const refused = await exec.submit(sell())
    expect(refused.status).toBe('REJECTED')
    expect(refused.reason).toMatch(/not enough balance/i)
    expect(ours()).toEqual(venue())
    sim.releaseSettlement({ fail: true })
    await until(() => reversed.length === 1)
    expect(venue()).toEqual(before)
    expect(ours()).toEqual(venue())
    // Settled shares sell as usual.
    const bought2 = await exec.submit(buy('7', 'LIMIT', ask))
    await until(() => sim.ledger().trades.filter((t) => t.status === 'CONFIRMED').length === 1)
    await until(() => exec.order(bought2.clientOrderId)?.status === 'FILLED')
    const sold = await exec.submit(sell())
    await until(() => exec.order(sold.clientOrderId)?.status === 'FILLED')
    await until(() => sim.ledger().trades.filter((t) => t.status === 'CONFIRMED').length === 2)
    expect(ours()).toEqual(venue())
    expect(errors).toEqual([])
  })

  it('shares not settled yet are held back from a SELL exit by the RiskManager until the venue settles them', async () => {
    const { sim, exec, clob, portfolio, errors, yes, venue, ours, buy } = await setup()
    const risk = new RiskManager({
      sizing: { method: 'fixedNotional', notional: '5' },
      requireStop: false,
      breakers: { dailyLoss: false, drawdown: false, consecutiveLosses: false, orderRate: false },
    })
    const settled: string[] = []
    exec.events.on('fill.settled', (e) => settled.push(e.fill.tradeId))
    const inst = portfolio.instrument('polymarket', yes)!
    const exit = () =>
      risk.evaluate(
        {
          strategyId: 't',
          venue: 'polymarket',
          symbol: yes,
          side: 'SELL',
          intent: 'EXIT',
          reason: 'x',
          tsEvent: Date.now(),
        },
        portfolio.snapshot(),
        { instrument: inst, price: new Decimal('0.5'), priceTs: Date.now() },
      )
    sim.faults.settlement('hold')
    const ask = String((await clob.getBook(yes)).asks[0]![0])
    const bought = await exec.submit(buy('7', 'LIMIT', ask))
    await until(() => exec.order(bought.clientOrderId)?.status === 'FILLED')
    expect(portfolio.position('polymarket', yes)?.unsettledQty?.toFixed()).toBe('7')
    const held = exit()
    expect(held.ok ? 'approved' : held.error.code).toBe('NO_POSITION_TO_REDUCE')
    if (!held.ok) expect(held.error.values).toMatchObject({ positionQty: '7', unsettledQty: '7' })
    sim.faults.settlement('confirm')
    sim.releaseSettlement()
    await until(() => settled.length === 1)
    expect(portfolio.position('polymarket', yes)?.unsettledQty).toBeUndefined()
    const approved = exit()
    if (!approved.ok) throw new Error(approved.error.message)
    expect(approved.value.qty.toFixed()).toBe('7')
    const bid = String((await clob.getBook(yes)).bids[0]![0])
    const sold = await exec.submit({
      ...approved.value,
      type: 'LIMIT',
      price: new Decimal(bid),
      timeInForce: 'GTC',
    })
    await until(() => exec.order(sold.clientOrderId)?.status === 'FILLED')
    await until(() => sim.ledger().trades.every((t) => t.status === 'CONFIRMED'))
    expect(ours()).toEqual(venue())
    expect(errors).toEqual([])
  })

  it.each([
    ['a filled order', false],
    ['an order still resting, partly filled', true],
  ])(
    'a settlement sent while the user channel was down is caught up after the reconnect: %s',
    async (_, resting) => {
      const { sim, exec, clob, portfolio, errors, yes, buy } = await setup()
      const settled: string[] = []
      exec.events.on('fill.settled', (e) => settled.push(e.fill.tradeId))
      sim.faults.settlement('hold')
      const [ask, depth] = (await clob.getBook(yes)).asks[0]!
      const qty = resting ? new Decimal(depth).plus(5).toFixed() : '7'
      const bought = await exec.submit(buy(qty, 'LIMIT', String(ask)))
      const matched = resting ? new Decimal(depth).toFixed() : '7'
      await until(() => exec.order(bought.clientOrderId)?.filledQty.toFixed() === matched)
      expect(exec.order(bought.clientOrderId)?.status).toBe(resting ? 'PARTIALLY_FILLED' : 'FILLED')
      expect(portfolio.position('polymarket', yes)?.unsettledQty?.toFixed()).toBe(matched)
      sim.faults.stallSockets(true)
      sim.faults.settlement('confirm')
      sim.releaseSettlement()
      await until(() => sim.ledger().trades.every((t) => t.status === 'CONFIRMED'))
      sim.faults.dropConnections('user') // what the stalled socket held is lost with it
      sim.faults.stallSockets(false)
      await until(() => settled.length === 1)
      expect(portfolio.position('polymarket', yes)?.unsettledQty).toBeUndefined()
      expect(errors.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
    },
  )

  it.each([
    ['MINED', false],
    ['FAILED (after RETRYING)', true],
  ] as const)(
    'a trade the stream missed while the trade history lagged is booked from the history once listed, held back until %s',
    async (_, fail) => {
      const { sim, exec, clob, portfolio, errors, yes, venue, ours, buy } = await setup()
      const booked: string[] = []
      exec.events.on('order.filled', (e) => booked.push(...e.fills.map((f) => f.tradeId)))
      sim.faults.settlement('hold')
      sim.faults.lagTradeHistory(600_000)
      sim.faults.stallSockets(true)
      const ask = String((await clob.getBook(yes)).asks[0]![0])
      const order = await exec.submit(buy('7', 'LIMIT', ask))
      sim.faults.dropConnections('user') // the stalled MATCHED message is lost with the socket
      sim.faults.stallSockets(false)
      await exec.reconcile() // the venue's record says FILLED; the history lists none of its trades
      // Polymarket's order record has no average fill price: nothing is synthesized, even after more than
      // queryAttempts (5) lookups 100 ms apart that came up short; the lookups go on.
      await new Promise((r) => setTimeout(r, 1_000))
      expect([exec.order(order.clientOrderId)?.filledQty.toFixed(), booked]).toEqual(['0', []])
      sim.faults.lagTradeHistory(0)
      await until(() => exec.order(order.clientOrderId)?.filledQty.toFixed() === '7')
      expect(booked).toEqual(sim.ledger().trades.map((t) => t.id))
      expect(portfolio.position('polymarket', yes)?.unsettledQty?.toFixed()).toBe('7')
      sim.releaseSettlement({ fail })
      await until(() => sim.ledger().trades.every((t) => t.status === (fail ? 'FAILED' : 'CONFIRMED')))
      await until(() => portfolio.position('polymarket', yes)?.unsettledQty === undefined)
      await until(() => ours().shares === venue().shares)
      expect(ours()).toEqual(venue())
      expect(venue().shares).toBe(fail ? '0' : '7')
      expect(errors.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
    },
  )

  it('a trade first seen as FAILED (user channel stalled throughout) is reported as a fill and its reversal', async () => {
    const { sim, exec, clob, errors, yes, venue, ours, buy } = await setup()
    sim.faults.settlement('fail')
    sim.faults.stallSockets(true)
    const ask = String((await clob.getBook(yes)).asks[0]![0])
    const order = await exec.submit(buy('7', 'LIMIT', ask))
    await until(() => sim.ledger().trades.every((t) => t.status === 'FAILED'))
    sim.faults.stallSockets(false)
    sim.faults.settlement('confirm')
    await exec.reconcile()
    await until(() => exec.order(order.clientOrderId)?.status === 'FILLED')
    expect(ours()).toEqual(venue())
    expect(errors.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
  })

  it('a FOK market BUY that matches fewer shares than asked keeps its fills while the user channel is down', async () => {
    const { sim, exec, errors, venue, ours, buy } = await setup()
    sim.faults.stallSockets(true)
    // 10.37 shares at ~0.5x cost an amount with more than 2 decimals: the signed order buys slightly fewer shares.
    const order = await exec.submit(buy('10.37', 'MARKET'))
    expect(order.status).toBe('CANCELED')
    const matched = sim.ledger().trades.reduce((a, t) => a.plus(t.size), new Decimal(0))
    expect(matched.gt(0) && matched.lt('10.37')).toBe(true)
    // No stream, no reconnect: the executor looks the fills up itself.
    await until(() => exec.order(order.clientOrderId)?.filledQty.eq(matched) === true)
    expect(ours()).toEqual(venue())
    sim.faults.stallSockets(false)
    expect(errors.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
  })

  it('a subscription sent during a stall is handled when the stall ends (the sim delays, it does not lose)', async () => {
    const { sim, adapter, yes } = await setup()
    sim.faults.stallSockets(true)
    adapter.market.subscribe([yes])
    await new Promise((r) => setTimeout(r, 50))
    expect(adapter.market.book(yes)?.isSynced ?? false).toBe(false)
    sim.faults.stallSockets(false)
    await until(() => adapter.market.book(yes)?.isSynced === true)
  })

  it('after a restart, a settlement recheck and a fills lookup replay only what they look for (no fill of an order from before the restart)', async () => {
    const { sim, adapter, exec, clob, errors, yes, buy } = await setup()
    const ask = String((await clob.getBook(yes)).asks[0]![0])
    const before = await exec.submit(buy('7', 'LIMIT', ask))
    await until(() => exec.order(before.clientOrderId)?.status === 'FILLED')
    // Settled before the restart (a late status message of it is the next test's case).
    await until(() => sim.ledger().trades.every((t) => t.status === 'CONFIRMED'))
    await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
    await adapter.close()
    const { again, exec2, errors2 } = await restart(sim)
    sim.faults.settlement('hold')
    const after = await exec2.submit(buy('6', 'LIMIT', String((await again.rest.getBook(yes)).asks[0]![0])))
    await until(() => exec2.order(after.clientOrderId)?.status === 'FILLED')
    await new Promise((r) => setTimeout(r, 80)) // unsettled longer than settleRecheckAfterMs
    const replayed: string[] = []
    again.events.on('fill', (e) => replayed.push(e.fill.tradeId))
    await exec2.reconcile() // the settlement recheck reads the market's whole history
    expect((await again.orderFills(yes, after.clientOrderId)).map((f) => f.qty.toFixed())).toEqual(['6'])
    const settled: string[] = []
    exec2.events.on('fill.settled', (e) => settled.push(e.fill.clientOrderId))
    sim.faults.settlement('confirm')
    sim.releaseSettlement()
    await until(() => settled.length === 1) // the fill of the order after the restart, and no other
    expect(settled).toEqual([after.clientOrderId])
    await exec2.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
    expect(replayed).toEqual([])
    expect(errors2).toEqual([])
    expect(errors.filter((e) => e.code !== 'NETWORK' && e.code !== 'SOCKET_CLOSED')).toEqual([])
  })

  it.each([
    ['is mined', false],
    ['fails', true],
  ] as const)(
    'after a restart, a trade from before it that %s later is no fill of an unknown order (a failure: one error naming it)',
    async (_, fail) => {
      const { sim, adapter, exec, clob, yes, buy } = await setup()
      sim.faults.settlement('hold')
      const ask = String((await clob.getBook(yes)).asks[0]![0])
      const before = await exec.submit(buy('7', 'LIMIT', ask))
      await until(() => exec.order(before.clientOrderId)?.status === 'FILLED')
      await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
      await adapter.close()
      await new Promise((r) => setTimeout(r, 1_100)) // match times are whole seconds: older than the start by more
      const restartedAt = Date.now()
      const { again, exec2, errors2 } = await restart(sim)
      // The restarted bot's stream first sees the trade in its later status (listeners after the executor's); the
      // fill's time is when the trade matched (`match_time`), before the restart, not when the message came.
      const heard: string[] = []
      again.events.on('fill', (e) => heard.push(`fill ${e.fill.tradeId} ${e.fill.tsEvent < restartedAt}`))
      again.events.on('fill.reversed', (e) => heard.push(`reversed ${e.fill.tradeId}`))
      sim.releaseSettlement({ fail })
      await until(() => heard.length === (fail ? 2 : 1))
      const id = sim.ledger().trades[0]?.id
      expect(heard).toEqual([`fill ${id} true`, ...(fail ? [`reversed ${id}`] : [])])
      expect(exec2.order(before.clientOrderId)).toBeUndefined()
      expect(errors2.map((e) => e.message)).toEqual(
        fail
          ? [expect.stringMatching(/^The venue reversed trade ".+" of order ".+" from before this start/)]
          : [],
      )
    },
  )
})
