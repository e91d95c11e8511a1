import * as z from 'zod/mini'
import { PositiveDecimalSchema as PositiveDecimal } from '../core/index.js'

/**
 * Limits on market makers' quote sets (`RiskManager.evaluateQuotes`). Inventory limits count the worst case: the
 * position plus every resting level on the side that grows it, as if all of them filled — the set's own levels, the
 * other strategies' quotes on the instrument and the account's other open orders there (the set's own strategy's
 * quotes excepted: the set replaces them).
 */
export const QuoteLimitsConfigSchema = z.strictObject({
  /**
   * Largest absolute position per instrument (every strategy's together), base units (shares), counting resting
   * quotes. Default: none.
   */
  maxInventory: z.optional(PositiveDecimal),
  /** Per-instrument inventory limit by symbol or `venue:symbol` (overrides `maxInventory`). */
  maxInventoryBySymbol: z._default(z.record(z.string(), PositiveDecimal), {}),
  /**
   * Largest absolute net exposure of an outcome pair (position of the first token minus the second's), counting resting
   * quotes: holding both tokens is hedged. Default: none.
   */
  maxPairInventory: z.optional(PositiveDecimal),
  /** Largest total value (price × quantity) of one quote set. Default: none. */
  maxRestingNotional: z.optional(PositiveDecimal),
  /** Most levels in one quote set (all sides and instruments). Default 20. */
  maxLevels: z._default(/* @__PURE__ */ z.int().check(z.minimum(1)), 20),
})

/** What the `quotes` option of a RiskManager config accepts (see {@link QuoteLimitsConfigSchema}). */
export type QuoteLimitsConfig = z.input<typeof QuoteLimitsConfigSchema>
/** {@link QuoteLimitsConfig} with defaults applied. */
export type ResolvedQuoteLimitsConfig = z.output<typeof QuoteLimitsConfigSchema>
