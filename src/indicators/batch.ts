import type { Indicator } from './types.js'

/**
 * Runs a whole series through an indicator and returns one output per input (`undefined` during the warm-up),
 * aligned with the inputs like TA-Lib's arrays after `outBegIdx`. The indicator keeps its state afterwards, so
 * streaming can continue from where the batch ended.
 *
 * @example
 * ```ts
 * const values = batch(new SMA(20), closes) // (number | undefined)[]
 * const first = values.findIndex((v) => v !== undefined) // 19: SMA(20)'s lookback
 * ```
 */
export function batch<In, Out>(indicator: Indicator<In, Out>, inputs: Iterable<In>): (Out | undefined)[] {
  const out: (Out | undefined)[] = []
  for (const x of inputs) out.push(indicator.update(x))
  return out
}
