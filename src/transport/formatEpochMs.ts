/** The latest time a `Date` can hold, epoch ms (year 275760): a later time has no date to print or compare. */
export const MAX_EPOCH_MS = 8.64e15

/**
 * An epoch-ms time as an ISO 8601 date for error messages. Never throws: a time no `Date` can hold (NaN, ±Infinity,
 * beyond year 275760) is written as its number, so building a message can never fail the code reporting it.
 */
export function formatEpochMs(ms: number): string {
  const d = new Date(ms)
  return Number.isNaN(d.getTime()) ? `${ms} ms after the epoch` : d.toISOString()
}
