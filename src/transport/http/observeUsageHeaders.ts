/** The part of a rate limiter that usage headers feed. */
export interface UsageSink {
  observeUsage(windowId: string, used: number, at: number): void
}

/**
 * Feeds the venue's usage headers (e.g. `x-mbx-used-weight-1m`) into the limiter windows they map to, as seen at
 * `sentAt`. Values that are not plain non-negative numbers are ignored.
 */
export function observeUsageHeaders(
  headers: Headers,
  usage: ReadonlyArray<readonly [header: string, windowId: string]>,
  sink: UsageSink,
  sentAt: number,
): void {
  for (const [header, windowId] of usage) {
    const v = headers.get(header)
    if (v !== null && /^\d+(\.\d+)?$/.test(v.trim())) sink.observeUsage(windowId, Number(v), sentAt)
  }
}
