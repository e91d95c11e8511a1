// typedoc plugin: groups each module page of the docs site by topic. Every export of an entry point gets an
// `@category` from the source file it is declared in (first matching rule below), unless its TSDoc names one itself.
// A new file lands in its folder's category; an export matching no rule is a warning, which typedoc.json's
// treatWarningsAsErrors turns into a failed `npm run docs`. Loaded by typedoc.json ("plugin").
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc'

/** [path under src/ (regex), category], first match wins. */
const RULES = [
  // tradekit (root)
  [/^errors\//, 'Errors and results'],
  [/^decimal\//, 'Decimal and rounding'],
  [/^engine\/(serveMetrics|metrics|EngineMetrics)\b/, 'Metrics'],
  [/^engine\//, 'Engine'],
  [/^core\/OrderBook\b/, 'Order book'],
  [/^core\/events\b/, 'Events'],
  [/^core\/ports\b/, 'Ports'],
  [/^core\/(types|orderState)\b/, 'Domain types'],
  [/^core\/(clock|logger|random)\b/, 'Clock, logging, randomness'],
  [/^core\//, 'Configuration and validation'],
  // tradekit/transport
  [/^transport\/(ReconnectingWebSocket|ws\/)/, 'WebSocket'],
  [/^transport\/(HttpClient|http\/)/, 'HTTP'],
  [/^transport\//, 'Rate limits, breakers, backoff'],
  // tradekit/binance, tradekit/polymarket
  [/^exchanges\/\w+\/(BinanceSpot|BinanceUsdm|BinanceClient|PolymarketAdapter)\.ts/, 'Adapters'],
  [/^exchanges\/\w+\/(\w*Rest|restTypes|decodeRest)\b/, 'REST'],
  [
    /^exchanges\/\w+\/(\w*MarketStream|\w*DepthSync|\w*BookSync|decodeMarketEvent|decodeDepthSnapshot|wsConfig|\w*Heartbeat)\b/,
    'Market data',
  ],
  [/^exchanges\/\w+\/(\w*UserStream|decodeUserEvent|userStreamConfig)\b/, 'User data'],
  [/^exchanges\/\w+\/(sign|auth|buildOrder|signOrder|toPostOrderBody|loadEthers)\b/, 'Signing and orders'],
  [/^exchanges\//, 'Configuration and types'],
  // tradekit/indicators
  [/^indicators\/(CandleAggregator|timeframe)\b/, 'Candles and timeframes'],
  [/^indicators\/(SMA|EMA|WMA|DEMA|TEMA|MACD|ADX)\b/, 'Trend'],
  [/^indicators\/(RSI|Stochastic|CCI|ROC|MFI)\b/, 'Momentum'],
  [/^indicators\/(ATR|TrueRange|BollingerBands|KeltnerChannels|Donchian|StdDev)\b/, 'Volatility and bands'],
  [/^indicators\/(OBV|VWAP)\b/, 'Volume'],
  [/^indicators\//, 'Building blocks'],
  // tradekit/strategies
  [/^strategies\/(Strategy|StrategyRunner|CandleStrategy)\b/, 'Strategy contract'],
  [/^strategies\//, 'Built-in strategies'],
  // tradekit/risk
  [/^risk\/RiskManager\b/, 'Risk manager'],
  [/^risk\/config\b/, 'Configuration'],
  [/^risk\/sizing\b/, 'Sizing'],
  [/^risk\/checks\//, 'Pre-trade checks'],
  [/^risk\/(TradingGuard|TradingDay)\b/, 'Trading guard and breakers'],
  [/^risk\/killSwitch\b/, 'Kill switch'],
  [/^risk\/(\w*StateStore)\b/, 'State persistence'],
  [/^risk\/events\b/, 'Events'],
  [/^risk\//, 'Denials and reasons'],
  // tradekit/execution
  [/^execution\/paper\//, 'Paper trading'],
  [/^execution\/live\//, 'Live execution'],
  [/^execution\/(portfolio\/|Portfolio\b)/, 'Portfolio'],
  [/^execution\/OrderGroup\b/, 'Order groups'],
  [/^execution\//, 'Shared by paper and live'],
  // tradekit/backtest
  [/^backtest\/(Backtester|EquityCurve|htmlReport|writeReport|reportFormat)\b/, 'Backtester and reports'],
  [/^backtest\/(Recorder|readRecording)\b/, 'Recording'],
  [/^backtest\/(sweep|gridCombinations)\b/, 'Parameter sweeps'],
  [/^backtest\//, 'Candle sources and replay'],
  // tradekit/sim
  [/^sim\/binance\//, 'Binance simulator'],
  [/^sim\/polymarket\//, 'Polymarket simulator'],
  [/^sim\//, 'Faults and shared parts'],
  // tradekit/journal
  [/^journal\/(open\w+Journal|TradeJournal)\b/, 'Stores'],
  [/^journal\/(queries|toCsv)\b/, 'Queries'],
  [/^journal\//, 'Schema, migrations and drivers'],
  // tradekit/redis
  [/^redis\/(RedisRateLimitStore|rateLimitScripts|SharedBudgetUnavailableError)\b/, 'Shared rate budget'],
  [/^redis\/(RedisStateStore|shareKillSwitch)\b/, 'Shared risk state'],
  [/^redis\/(RedisEvent|eventCodec)/, 'Event streams'],
  [/^redis\//, 'Connection'],
]

/** The category of a file path (any form containing `src/`), or undefined. */
export function categoryOf(fileName) {
  const i = fileName.lastIndexOf('src/')
  if (i < 0) return undefined
  const rel = fileName.slice(i + 4)
  return RULES.find(([re]) => re.test(rel))?.[1]
}

const hasCategory = (c) => c?.blockTags.some((t) => t.tag === '@category') ?? false

/** typedoc's plugin entry. */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      for (const child of mod.children ?? []) {
        const sigs = child.signatures ?? []
        if (hasCategory(child.comment) || sigs.some((s) => hasCategory(s.comment))) continue
        const file = child.sources?.[0]?.fullFileName ?? child.sources?.[0]?.fileName ?? ''
        const category = categoryOf(file)
        if (category === undefined) {
          app.logger.warn(
            `typedoc-categories: no category rule for ${child.name} (${file}); add one in scripts/typedoc-categories.mjs`,
          )
          continue
        }
        if (child.comment === undefined && sigs[0]?.comment === undefined) child.comment = new Comment()
        const comment = child.comment ?? sigs[0]?.comment
        comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]))
      }
    }
  })
}
