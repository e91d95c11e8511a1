/**
 * A spot user-data re-subscription whose answer was lost but which the venue executed: Binance allows "only one
 * active subscription for a given account on a given connection" and `userDataStream.unsubscribe` without a
 * `subscriptionId` "will close all subscriptions" (binance-spot-api-docs web-socket-api.md, "User Data Stream
 * subscription" / "Unsubscribe from User Data Stream"). So the retry ends the stale subscription first: it is not
 * refused for ever (HMAC, `userDataStream.subscribe.signature`), nor left delivering each event twice.
 */
import { generateKeyPairSync } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { BinanceSpot, BinanceSpotUserStream } from '../../../src/exchanges/binance/index.js'
import type { Order, TradekitError } from '../../../src/index.js'
import { BinanceSim } from '../../../src/sim/index.js'
import { req, waitFor } from './helpers.js'

describe('spot user data: a re-subscription that timed out but succeeded', () => {
  const closers: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c()
  })

  /** A sim and a spot client with an HMAC or an Ed25519 key. */
  async function setup(key: 'hmac' | 'ed25519') {
    const ed = generateKeyPairSync('ed25519')
    const sim = await BinanceSim.start({
      tickMs: 0,
      symbols: ['BTCUSDT'],
      ...(key === 'ed25519'
        ? {
            apiKeys: [
              {
                apiKey: 'ed-key',
                ed25519PublicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
              },
            ],
          }
        : {}),
    })
    closers.push(() => sim.close())
    const spot = new BinanceSpot({
      ...sim.urls.spot,
      ...(key === 'ed25519'
        ? { apiKey: 'ed-key', privateKey: ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
        : { apiKey: sim.apiKey, apiSecret: sim.apiSecret }),
    })
    closers.push(() => spot.close())
    const user = new BinanceSpotUserStream({
      rest: spot.rest,
      url: spot.urls.wsApiUrl,
      timeoutMs: 200,
      reconnectBaseMs: 20,
      reconnectMaxMs: 200,
    })
    closers.push(() => user.close())
    return { sim, spot, user }
  }

  for (const [key, method] of [
    ['hmac', 'userDataStream.subscribe.signature'],
    ['ed25519', 'userDataStream.subscribe'],
  ] as const) {
    it(`${key}: the retry ends the stale subscription, is announced, and each event arrives once`, async () => {
      const { sim, spot, user } = await setup(key)
      const updates: Order[] = []
      const errors: TradekitError[] = []
      let reconnected = 0
      user.events.on('order.updated', (e) => updates.push(e.order))
      user.events.on('error', (e) => errors.push(e))
      user.events.on('user.reconnected', () => reconnected++)
      await user.start()
      // The re-subscription is executed (a subscription exists at the venue) but its answer never comes.
      sim.faults.wsApiAnswer({ kind: 'silent', method, count: 1, afterExecute: true })
      sim.faults.terminateUserStreams()
      await waitFor(() => reconnected === 1, 10_000, 'subscribed again after the lost answer')
      expect(errors.map((e) => e.message)).toEqual([`WebSocket API "${method}" timed out`])
      expect(user.subscriptionId).toBeTypeOf('number')

      const first = req()
      const second = req()
      await spot.placeOrder(first)
      await spot.placeOrder(second)
      const of = (cid: string) => updates.filter((u) => u.clientOrderId === cid).map((u) => u.status)
      // Events come in order on the one connection: once the second order is FILLED, any copy of the first is in.
      await waitFor(() => of(second.clientOrderId).includes('FILLED'), 5000, 'second order FILLED')
      expect(of(first.clientOrderId)).toEqual(['OPEN', 'FILLED'])
      expect(of(second.clientOrderId)).toEqual(['OPEN', 'FILLED'])
      expect(reconnected).toBe(1)
    })
  }
})
