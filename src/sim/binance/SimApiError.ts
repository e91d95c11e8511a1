/**
 * An error the simulator answers with, shaped like Binance's `{ code, msg }` (plus `data` where Binance documents
 * one, e.g. cancel-replace's per-leg results) and its HTTP status.
 */
export class SimApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
    readonly data?: unknown,
  ) {
    super(msg)
  }

  /** The error body: `{ code, msg }`, with `data` when there is one. */
  get body(): { code: number; msg: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, msg: this.msg }
      : { code: this.code, msg: this.msg, data: this.data }
  }
}
