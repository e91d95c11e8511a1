import type { SimMarket } from './engine.js'

/** One market stream {@link BinanceSim} publishes: its name pattern and the markets that serve it. */
export interface BinanceSimStream {
  /** Stream name as Binance spells it, with `<symbol>` (lower case), `<interval>` or `<levels>` placeholders. */
  readonly name: string
  readonly markets: readonly SimMarket[]
  /** An example name per placeholder set, subscribed by the catalogue's test (`btcusdt`, `1m`, `5`). */
  readonly example: string
}

const BOTH: readonly SimMarket[] = ['spot', 'usdm']
const USDM: readonly SimMarket[] = ['usdm']

/**
 * Every market stream the sim publishes (what `BinanceStreams` sends): the source of the streams table in
 * docs/sim-coverage.md, and checked against a live sim by `streamCatalog.test.ts` (each entry must deliver).
 * USD-M routes (`/public`, `/market`) come from `usdmRouteOf`.
 */
export const BINANCE_SIM_STREAMS: readonly BinanceSimStream[] = [
  { name: '<symbol>@depth', markets: BOTH, example: 'btcusdt@depth' },
  { name: '<symbol>@depth@100ms', markets: BOTH, example: 'btcusdt@depth@100ms' },
  { name: '<symbol>@depth@500ms', markets: BOTH, example: 'btcusdt@depth@500ms' },
  { name: '<symbol>@depth<levels> (5, 10, 20)', markets: BOTH, example: 'btcusdt@depth5' },
  { name: '<symbol>@depth<levels>@100ms', markets: BOTH, example: 'btcusdt@depth10@100ms' },
  { name: '<symbol>@depth<levels>@500ms', markets: BOTH, example: 'btcusdt@depth20@500ms' },
  { name: '<symbol>@bookTicker', markets: BOTH, example: 'btcusdt@bookTicker' },
  { name: '<symbol>@trade', markets: BOTH, example: 'btcusdt@trade' },
  { name: '<symbol>@aggTrade', markets: BOTH, example: 'btcusdt@aggTrade' },
  {
    name: '<symbol>@kline_<interval> (1s, 1m, 3m, 5m, 15m, 30m, 1h)',
    markets: BOTH,
    example: 'btcusdt@kline_1s',
  },
  { name: '<symbol>@ticker', markets: BOTH, example: 'btcusdt@ticker' },
  { name: '<symbol>@miniTicker', markets: BOTH, example: 'btcusdt@miniTicker' },
  { name: '!miniTicker@arr', markets: BOTH, example: '!miniTicker@arr' },
  { name: '!ticker@arr', markets: USDM, example: '!ticker@arr' },
  { name: '<symbol>@markPrice', markets: USDM, example: 'btcusdt@markPrice' },
  { name: '<symbol>@markPrice@1s', markets: USDM, example: 'btcusdt@markPrice@1s' },
]
