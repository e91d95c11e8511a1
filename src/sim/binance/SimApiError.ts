/** An error the simulator answers with, shaped like Binance's `{ code, msg }` and its HTTP status. */
export class SimApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(msg)
  }
}
