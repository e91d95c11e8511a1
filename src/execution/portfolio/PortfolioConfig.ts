import * as z from 'zod/mini'
import { ClockSchema, DecimalInputSchema } from '../../core/schemas.js'
import type { Instrument } from '../../core/types.js'

/** Schema of {@link PortfolioConfig}; defaults are applied here. */
export const PortfolioConfigSchema = z.strictObject({
  /**
   * Currency equity, free margin and PnL are measured in (other quote assets are valued through `currencies`).
   * Default `USDT`.
   */
  accountCurrency: z._default(/* @__PURE__ */ z.string().check(z.minLength(1)), 'USDT'),
  /**
   * Other cash assets valued in the account currency at a rate, e.g. `{ pUSD: 1 }` for one account trading Binance
   * (USDT) and Polymarket (pUSD). Their cash, and the instruments quoted in them, count towards equity, free margin
   * and PnL; an asset without a rate is accounted but not valued. Update with `setRate`.
   * Default: none.
   */
  currencies: z._default(z.record(z.string(), DecimalInputSchema), {}),
  /** Starting cash per asset, e.g. `{ USDT: '10000' }`. Default: none. */
  balances: z._default(z.record(z.string(), DecimalInputSchema), {}),
  /** Instruments the portfolio will see fills for. More can be added with `addInstrument`. Default: none. */
  instruments: z._default(z.array(z.custom<Instrument>((v) => typeof v === 'object' && v !== null)), []),
  /** Leverage of new perpetual positions, unless set per symbol with `setLeverage`. Default 1. */
  defaultLeverage: z._default(/* @__PURE__ */ z.number().check(z.positive(), z.maximum(200)), 1),
  /** Maintenance margin rate used by the liquidation estimate. Default 0.004. */
  maintenanceMarginRate: z._default(/* @__PURE__ */ z.number().check(z.minimum(0), z.maximum(0.5)), 0.004),
  /**
   * How many trade ids are remembered to drop duplicate fills; also how many ended orders keep their strategy (open
   * ones keep it until they end). Default 100_000.
   */
  dedupeWindow: z._default(/* @__PURE__ */ z.int().check(z.minimum(16), z.maximum(10_000_000)), 100_000),
  /**
   * How many recent fills of `reversibleKinds` instruments are kept with their effect, so a fill the venue reverses
   * can be undone exactly. Default 10_000.
   */
  reversalWindow: z._default(/* @__PURE__ */ z.int().check(z.minimum(0), z.maximum(1_000_000)), 10_000),
  /**
   * Kinds of instrument whose fills a venue may reverse, the only ones kept for `reversalWindow`: outcome tokens
   * (a Polymarket trade whose on-chain settlement fails is reversed). Spot and perpetual trades are final on every
   * venue tradekit speaks; list them too for an adapter of your own that reverses them. Keeping the undo of every
   * fill costs each fill about as much as its accounting (its values live on), and fills that are never reversed
   * would push out those that can be. Default `['outcome']`.
   */
  reversibleKinds: z._default(z.array(z.enum(['spot', 'perpetual', 'outcome'])), ['outcome']),
  /** Time source (timers, timestamps). Default: the system clock. */
  clock: z.optional(ClockSchema),
})

/** What the `Portfolio` constructor takes. */
export type PortfolioConfig = z.input<typeof PortfolioConfigSchema>
