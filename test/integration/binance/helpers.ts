import { Decimal } from '../../../src/decimal/index.js'
import type { BinanceConfig } from '../../../src/exchanges/binance/index.js'
import { BinanceSpot, BinanceUsdm } from '../../../src/exchanges/binance/index.js'
import type { OrderRequest, TradekitError } from '../../../src/index.js'
import { BinanceSim, type BinanceSimConfig } from '../../../src/sim/index.js'
import { waitFor } from '../../helpers/waitFor.js'

export { waitFor }

/** Steps the sim until `cond` holds. */
export async function stepUntil(
  sim: BinanceSim,
  cond: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  await waitFor(
    () => {
      if (cond()) return true
      sim.step(1)
      return false
    },
    timeoutMs,
    what,
  )
}

export interface Harness {
  sim: BinanceSim
  spot: BinanceSpot
  usdm: BinanceUsdm
  errors: TradekitError[]
  close(): Promise<void>
}

/** A sim (manual stepping by default) plus spot and USD-M clients pointed at it, collecting `error` events. */
export async function harness(
  simCfg: BinanceSimConfig = {},
  clientCfg: Partial<BinanceConfig> = {},
): Promise<Harness> {
  const sim = await BinanceSim.start({ seed: 7, symbols: ['BTCUSDT', 'ETHUSDT'], tickMs: 0, ...simCfg })
  const common = {
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
    timeoutMs: 3000,
    ...clientCfg,
  }
  const spot = new BinanceSpot({ ...sim.urls.spot, ...common })
  const usdm = new BinanceUsdm({ ...sim.urls.usdm, ...common })
  const errors: TradekitError[] = []
  spot.events.on('error', (e) => errors.push(e))
  usdm.events.on('error', (e) => errors.push(e))
  return {
    sim,
    spot,
    usdm,
    errors,
    async close() {
      await spot.close()
      await usdm.close()
      await sim.close()
    },
  }
}

let seq = 0
/** A spot or USD-M order request with a fresh client order id. */
export function req(o: Partial<OrderRequest> & { venue?: string } = {}): OrderRequest {
  return {
    clientOrderId: `t${Date.now().toString(36)}${(seq++).toString(36)}`,
    venue: 'binance',
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    qty: new Decimal('0.01'),
    ...o,
  }
}

export { Decimal }
