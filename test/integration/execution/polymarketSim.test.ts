/**
 * OrderExecutor and OrderGroup against the loopback PolymarketSim through PolymarketAdapter: an order whose response
 * never arrives is resolved by query and never doubled; a reconnect of the user channel triggers reconciliation; a
 * YES + NO group whose NO leg is rejected unwinds the YES leg.
 */
import { Wallet } from 'ethers'
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest'
import type { Fill, Instrument } from '../../../src/core/types.js'
import { Decimal } from '../../../src/decimal/index.js'
import { PolymarketAdapter, type PolymarketRest } from '../../../src/exchanges/polymarket/index.js'
import { OrderExecutor, OrderGroup, type OrderGroupConfig } from '../../../src/execution/index.js'
import { PolymarketSim } from '../../../src/sim/polymarket/index.js'

// A publicly known Hardhat test key.
const wallet = new Wallet('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
let sim: PolymarketSim
let clob: PolymarketRest
let adapter: PolymarketAdapter
let exec: OrderExecutor

beforeEach(async () => {
  sim = await PolymarketSim.start({ seed: 9, settlementDelayMs: 5 })
  adapter = new PolymarketAdapter({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    signer: wallet,
    autoHeartbeat: false,
    reconnectBaseMs: 20,
    pingIntervalMs: 200,
    timeoutMs: 300,
  })
  adapter.events.on('error', () => {})
  clob = adapter.rest
  await clob.createOrDeriveApiKey()
  exec = new OrderExecutor({ adapter, queryAttempts: 20, queryIntervalMs: 100, requestTimeoutMs: 2_000 })
  exec.events.on('error', () => {})
  await exec.start()
})

afterEach(async () => {
  sim.faults.clear()
  await exec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
  await adapter.close()
  await sim.close()
})

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now()
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('until timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

let n = 0
const cid = () => `pm-${Date.now().toString(36)}-${++n}`

async function market() {
  const m = sim.markets.find((x) => x.tickSize === '0.01') ?? sim.markets[0]
  if (m === undefined) throw new Error('no market')
  const yes = await adapter.instrument(m.tokens[0].tokenId)
  const no = await adapter.instrument(m.tokens[1].tokenId)
  return { m, yes, no }
}

async function bestAsk(i: Instrument): Promise<Decimal> {
  const b = await clob.getBook(i.symbol)
  return new Decimal(String(b.asks[0]?.[0]))
}

describe('OrderExecutor on PolymarketSim', () => {
  it('an order whose response is lost (client timeout, venue executes later) is resolved by query, never doubled', async () => {
    const { yes } = await market()
    const price = await bestAsk(yes)
    sim.faults.delayHttp(600) // longer than the client's 300 ms timeout: the POST lands after we gave up
    const id = cid()
    const o = await exec.submit({
      clientOrderId: id,
      venue: 'polymarket',
      symbol: yes.symbol,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(5),
      price,
      strategyId: 'it',
    })
    expect(o.status).toBe('PENDING_NEW')
    sim.faults.delayHttp(0)
    await until(() => exec.order(id)?.status === 'FILLED')
    const taker = sim.ledger().trades.filter((t) => t.takerOwner === clob.credentials?.apiKey)
    const orderIds = new Set(taker.map((t) => t.takerOrderId))
    expect(orderIds.size).toBe(1)
    expect(exec.order(id)?.filledQty.toString()).toBe('5')
  })

  it('a market order the venue matched in full below the asked quantity, its response lost, ends CANCELED', async () => {
    const { yes } = await market()
    const price = await bestAsk(yes)
    // A market BUY signs pUSD rounded down to cents and shares = pUSD ÷ price (Polymarket's client,
    // getMarketOrderRawAmounts; see marketOrderAmounts.ts): 5.57 × a 2-decimal price never has 2 decimals, so the
    // venue order is for fewer shares than asked, and MATCHED in full is still less than 5.57.
    sim.faults.delayHttp(600) // longer than the client's 300 ms timeout: the ack is lost, the order is looked up
    const id = cid()
    const o = await exec.submit({
      clientOrderId: id,
      venue: 'polymarket',
      symbol: yes.symbol,
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'IOC',
      qty: new Decimal('5.57'),
      price,
      strategyId: 'it',
    })
    expect(o.status).toBe('PENDING_NEW')
    sim.faults.delayHttp(0)
    const matched = () =>
      sim
        .ledger()
        .trades.filter((t) => t.takerOwner === clob.credentials?.apiKey)
        .reduce((a, t) => a.plus(t.size), new Decimal(0))
    await until(() => {
      const cur = exec.order(id)
      return (
        cur !== undefined && cur.status !== 'PENDING_NEW' && matched().gt(0) && cur.filledQty.eq(matched())
      )
    })
    expect(matched().lt('5.57')).toBe(true)
    expect(sim.ledger().openOrders).toHaveLength(0)
    // The venue's record of the order decodes (its price is maker ÷ taker, not tick-aligned) and says it is over.
    expect((await adapter.queryOrder(yes.symbol, id))?.status).toBe('CANCELED')
    await exec.reconcile()
    expect(exec.order(id)?.status).toBe('CANCELED')
    expect(exec.order(id)?.filledQty.toString()).toBe(matched().toString())
    expect(exec.openOrders()).toHaveLength(0)
  })

  it('after the user channel reconnects, a cancel made elsewhere meanwhile is reconciled', async () => {
    const { m, yes } = await market()
    await until(() => sim.connections.user === 1)
    const low = new Decimal(m.fairPrice).minus(new Decimal(m.tickSize).times(20))
    const id = cid()
    const o = await exec.submit({
      clientOrderId: id,
      venue: 'polymarket',
      symbol: yes.symbol,
      side: 'BUY',
      type: 'LIMIT',
      qty: new Decimal(5),
      price: low,
      strategyId: 'it',
    })
    expect(o.status).toBe('OPEN')
    const reconciled = new Promise<void>((r) => exec.events.once('orders.reconciled', () => r()))
    sim.faults.dropConnections('user')
    await clob.cancelOrder(o.venueOrderId as string)
    await reconciled
    await until(() => exec.order(id)?.status === 'CANCELED')
    expect(exec.openOrders()).toHaveLength(0)
  })

  it('a fill made while the user channel is down is recovered once, with the venue trade ids', async () => {
    // A client that takes its time to reconnect, so the fill surely happens while it is away.
    const slow = new PolymarketAdapter({
      restUrl: sim.restUrl,
      wsUrl: sim.wsUrl,
      signer: wallet,
      autoHeartbeat: false,
      reconnectBaseMs: 400,
      pingIntervalMs: 200,
      timeoutMs: 2_000,
    })
    slow.events.on('error', () => {})
    await slow.rest.createOrDeriveApiKey()
    const slowExec = new OrderExecutor({
      adapter: slow,
      queryAttempts: 20,
      queryIntervalMs: 100,
      requestTimeoutMs: 2_000,
    })
    slowExec.events.on('error', () => {})
    try {
      await slowExec.start()
      const { yes } = await market()
      await until(() => sim.connections.user >= 2)
      const fills: Array<{ tradeId: string; qty: string }> = []
      slowExec.events.on('order.filled', (e) =>
        fills.push(...e.fills.map((f) => ({ tradeId: f.tradeId, qty: f.qty.toString() }))),
      )
      const price = await bestAsk(yes)
      sim.faults.dropConnections('user')
      const id = cid()
      await slowExec.submit({
        clientOrderId: id,
        venue: 'polymarket',
        symbol: yes.symbol,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal(5),
        price,
        strategyId: 'it',
      })
      await until(() => slowExec.order(id)?.status === 'FILLED')
      await new Promise((r) => setTimeout(r, 1_500)) // past the second reconciliation: no duplicate
      const venueOrderId = slowExec.order(id)?.venueOrderId
      const trades = sim.ledger().trades.filter((t) => t.takerOrderId === venueOrderId)
      expect(trades.length).toBeGreaterThan(0)
      expect(new Set(fills.map((f) => f.tradeId)).size).toBe(fills.length)
      expect(fills.some((f) => f.tradeId.startsWith('reconcile:'))).toBe(false)
      expect(fills.reduce((a, f) => a.plus(f.qty), new Decimal(0)).toString()).toBe('5')
      expect(slowExec.order(id)?.filledQty.toString()).toBe('5')
    } finally {
      await slowExec.shutdown({ cancelOpenOrders: false, timeoutMs: 2_000 })
      await slow.close()
    }
  })

  it.each([
    ['settled at once', false],
    ['whose trade settles only later (the venue refuses to sell shares not on chain yet)', true],
  ])('a YES + NO group whose NO leg is rejected unwinds the YES leg on the venue: %s', async (_, held) => {
    const { yes, no } = await market()
    const release = held
      ? setTimeout(() => {
          sim.faults.settlement('confirm')
          sim.releaseSettlement()
        }, 500)
      : undefined
    if (held) sim.faults.settlement('hold')
    onTestFinished(() => clearTimeout(release))
    const group = new OrderGroup({
      client: exec,
      instruments: [yes, no],
      maxUnwindSlippageBps: 2_000,
      legTimeoutMs: 5_000,
    })
    const yesPx = await bestAsk(yes)
    const out = await group.execute([
      {
        clientOrderId: cid(),
        venue: 'polymarket',
        symbol: yes.symbol,
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'FOK',
        qty: new Decimal(10),
        price: yesPx,
        strategyId: 'arb',
      },
      // Far more shares than the account can pay for: the venue says no.
      {
        clientOrderId: cid(),
        venue: 'polymarket',
        symbol: no.symbol,
        side: 'BUY',
        type: 'LIMIT',
        qty: new Decimal(100_000_000),
        price: new Decimal('0.5'),
        strategyId: 'arb',
      },
    ])
    expect(out.legs.map((l) => l.fate)).toEqual(['UNWOUND', 'REJECTED'])
    expect(out.status).toBe('UNWOUND')
    expect(out.legs[0]?.unwindOrder?.side).toBe('SELL')
    expect(out.legs[0]?.unwindOrder?.filledQty.toString()).toBe('10')
  })
})

describe('OrderGroup on PolymarketSim: an unwind waits for the leg’s settlement, bounded', () => {
  /** An OrderGroup on the executor: unwinds up to 20 % off the fill, legs given 5 s. */
  const groupOf = (instruments: Instrument[], options: Partial<OrderGroupConfig> = {}) =>
    new OrderGroup({
      client: exec,
      instruments,
      maxUnwindSlippageBps: 2_000,
      legTimeoutMs: 5_000,
      ...options,
    })
  /** 10 YES bought (FOK), and far more NO than the account can pay for: the venue refuses that leg. */
  const yesThenRejectedNo = async (group: OrderGroup, yes: Instrument, no: Instrument) => {
    const legs = [
      { symbol: yes.symbol, qty: new Decimal(10), price: await bestAsk(yes), timeInForce: 'FOK' as const },
      { symbol: no.symbol, qty: new Decimal(100_000_000), price: new Decimal('0.5') },
    ]
    return group.execute(
      legs.map((l) => ({
        clientOrderId: cid(),
        venue: 'polymarket',
        side: 'BUY' as const,
        type: 'LIMIT' as const,
        strategyId: 'arb',
        ...l,
      })),
    )
  }

  /** Every leg 10 shares at the ask (FOK), each trade held unsettled; `COMPLETED`. */
  const heldGroup = async (group: OrderGroup, insts: readonly Instrument[]) => {
    const legs = insts.map(async (i) => ({
      clientOrderId: cid(),
      venue: 'polymarket',
      symbol: i.symbol,
      side: 'BUY' as const,
      type: 'LIMIT' as const,
      timeInForce: 'FOK' as const,
      qty: new Decimal(10),
      price: await bestAsk(i),
      strategyId: 'arb',
    }))
    const out = await group.execute(await Promise.all(legs))
    expect(out.status).toBe('COMPLETED')
    return out
  }
  const reversals = () => {
    const seen: Fill[] = []
    exec.events.on('fill.reversed', (e) => seen.push(e.fill))
    return seen
  }
  const shares = async (i: Instrument) =>
    (await clob.getBalanceAllowance({ assetType: 'CONDITIONAL', tokenId: i.symbol })).balance.toFixed()

  /**
   * New trades stay unsettled until the test releases them (what is left is released when it ends); with
   * `failAllAfterMs`, every held trade FAILS then.
   */
  const holdSettlement = (failAllAfterMs?: number) => {
    sim.faults.settlement('hold')
    const fail =
      failAllAfterMs === undefined
        ? undefined
        : setTimeout(() => sim.releaseSettlement({ fail: true }), failAllAfterMs)
    onTestFinished(() => {
      clearTimeout(fail)
      sim.faults.settlement('confirm')
      sim.releaseSettlement()
    })
  }

  it('sells nothing the venue took back while the unwind waited (the leg’s settlement FAILED)', async () => {
    const { yes, no } = await market()
    holdSettlement(500)
    const group = groupOf([yes, no])
    const out = await yesThenRejectedNo(group, yes, no)
    expect(out.legs.map((l) => l.fate)).toEqual(['UNWOUND', 'REJECTED'])
    expect(out.legs[0]?.unwindOrders).toBeUndefined()
    expect(out.legs[0]?.residualQty.toFixed()).toBe('0')
    expect(sim.ledger().trades.map((t) => t.status)).toEqual(['FAILED'])
  })

  it('a rebalance after a reversal waits for the other leg’s settlement, learnt during execute, before selling', async () => {
    const { yes, no } = await market()
    holdSettlement()
    const group = groupOf([yes, no], { unwindRetryStepBps: 0 })
    const out = await heldGroup(group, [yes, no])
    const reversed = new Promise<Fill>((resolve) => exec.events.once('fill.reversed', (e) => resolve(e.fill)))
    // The YES trade fails; the NO trade is still not on chain (its shares cannot be sold yet) for another 500 ms.
    sim.releaseSettlement({ fail: true, tokenId: yes.symbol })
    const fill = await reversed
    const release = setTimeout(() => sim.releaseSettlement({ tokenId: no.symbol }), 500)
    onTestFinished(() => clearTimeout(release))
    const t0 = Date.now()
    const after = await group.rebalance(out, fill)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400)
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => [l.fate, l.heldQty?.toFixed()])).toEqual([
      ['REVERSED', '0'],
      ['UNWOUND', '0'],
    ])
    expect(after.legs[1]?.unwindOrder?.filledQty.toFixed()).toBe('10')
  })

  it('a reversal counted while an unwind waited is not counted again by the rebalance passed the same fill', async () => {
    const { yes, no } = await market()
    holdSettlement()
    const group = groupOf([yes, no])
    const out = await heldGroup(group, [yes, no])
    const seen = reversals()
    sim.releaseSettlement({ fail: true, tokenId: yes.symbol })
    await until(() => seen.length === 1)
    // The NO trade fails too while the rebalance waits to sell NO: nothing is left to sell.
    const fail = setTimeout(() => sim.releaseSettlement({ fail: true, tokenId: no.symbol }), 300)
    onTestFinished(() => clearTimeout(fail))
    const after = await group.rebalance(out, seen[0] as Fill)
    expect(seen).toHaveLength(2)
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0'])
    // What the engine does for the second reversal: nothing left to do (before, it bought 10 NO back).
    const again = await group.rebalance(after, seen[1] as Fill)
    expect(again.status).toBe('UNWOUND')
    expect(again.legs.map((l) => [l.fate, l.heldQty?.toFixed()])).toEqual([
      ['REVERSED', '0'],
      ['REVERSED', '0'],
    ])
    expect(again.legs.flatMap((l) => l.unwindOrders ?? [])).toEqual([])
    expect([await shares(yes), await shares(no)]).toEqual(['0', '0'])
  })

  it('a leg whose trade failed while its execute unwind waited is not bought back by the rebalance of that reversal', async () => {
    const { yes, no } = await market()
    holdSettlement(500)
    const seen = reversals()
    const group = groupOf([yes, no])
    const out = await yesThenRejectedNo(group, yes, no)
    expect(out.legs.map((l) => [l.fate, l.residualQty.toFixed()])).toEqual([
      ['UNWOUND', '0'],
      ['REJECTED', '0'],
    ])
    const after = await group.rebalance(out, seen[0] as Fill) // the engine replays reversals seen during execute
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.flatMap((l) => l.unwindOrders ?? [])).toEqual([])
    expect(await shares(yes)).toBe('0')
  })

  it('three legs: one whose trade fails while another leg’s sale waits is not sold (nothing is left of it)', async () => {
    const [m1, m2] = sim.markets
    const [a, b, c] = await Promise.all(
      [m1?.tokens[0], m1?.tokens[1], m2?.tokens[0]].map((t) => adapter.instrument(t?.tokenId ?? '')),
    )
    if (a === undefined || b === undefined || c === undefined) throw new Error('no markets')
    holdSettlement()
    const group = groupOf([a, b, c], { unwindRetryStepBps: 0 })
    const out = await heldGroup(group, [a, b, c])
    const seen = reversals()
    sim.releaseSettlement({ fail: true, tokenId: a.symbol })
    await until(() => seen.length === 1)
    const failC = setTimeout(() => sim.releaseSettlement({ fail: true, tokenId: c.symbol }), 200)
    const settleB = setTimeout(() => sim.releaseSettlement({ tokenId: b.symbol }), 400)
    onTestFinished(() => {
      clearTimeout(failC)
      clearTimeout(settleB)
    })
    const after = await group.rebalance(out, seen[0] as Fill)
    expect(after.status).toBe('UNWOUND')
    expect(after.legs.map((l) => l.heldQty?.toFixed())).toEqual(['0', '0', '0'])
    expect(after.legs[2]?.unwindOrders).toBeUndefined() // C: nothing sold, nothing refused
    expect(after.legs[1]?.unwindOrder?.filledQty.toFixed()).toBe('10')
    const again = await group.rebalance(after, seen[1] as Fill)
    expect(again.status).toBe('UNWOUND')
    expect([await shares(a), await shares(b), await shares(c)]).toEqual(['0', '0', '0'])
  })

  it('sends the unwind after unwindSettleTimeoutMs when the trade never settles (and reports what is left)', async () => {
    const { yes, no } = await market()
    sim.faults.settlement('hold')
    const group = groupOf([yes, no], { unwindRetryStepBps: 0, unwindSettleTimeoutMs: 300 })
    onTestFinished(() => {
      sim.faults.settlement('confirm')
      sim.releaseSettlement()
    })
    const t0 = Date.now()
    const out = await yesThenRejectedNo(group, yes, no)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    expect(out.legs.map((l) => l.fate)).toEqual(['PARTIALLY_UNWOUND', 'REJECTED'])
    expect(out.legs[0]?.unwindOrder?.reason ?? out.legs[0]?.error?.message).toMatch(/not enough balance/i)
  })
})
