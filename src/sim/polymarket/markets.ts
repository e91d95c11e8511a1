import { Decimal } from '../../decimal/index.js'

/** Tick sizes the simulator assigns to its seeded markets, in turn. */
export const SIM_TICK_SIZES = ['0.01', '0.001', '0.1', '0.0001', '0.005', '0.0025'] as const

/** One outcome token of a simulated binary market. */
export interface SimToken {
  /** uint256 decimal string. */
  readonly tokenId: string
  /** `Yes` or `No`. */
  readonly outcome: string
}

/** A simulated binary market: two complementary tokens, a tick size, a neg-risk flag. */
export interface SimMarket {
  /** 0x-prefixed bytes32 condition id. */
  readonly conditionId: string
  readonly question: string
  readonly tokens: readonly [SimToken, SimToken]
  /** Current tick size (changes with {@link PolymarketSim.setTickSize}). */
  tickSize: string
  readonly negRisk: boolean
  /** Smallest limit-order size in shares. */
  readonly minOrderSize: string
  /** Seeded fair price of the YES token. */
  readonly fairPrice: string
  closed: boolean
  winner: string | undefined
  /** 3 for a Protocol V2 market (ExchangeV3, position ids); undefined follows the server's `GET /version`. */
  readonly version: 3 | undefined
}

/** How to seed one market; every field optional. */
export interface SimMarketSpec {
  readonly question?: string
  readonly tickSize?: string
  readonly negRisk?: boolean
  readonly minOrderSize?: string
  /** Fair price of YES, on the tick; the house quotes around it. */
  readonly fairPrice?: string
  /** Levels of house liquidity per side and token (default 5); 0 for an empty book. */
  readonly levels?: number
  /** `'v2'`: a Protocol V2 market (trades on ExchangeV3, lists `position_ids`); default follows `GET /version`. */
  readonly protocol?: 'v1' | 'v2'
}

function hex(rng: () => number, bytes: number): string {
  let s = ''
  for (let i = 0; i < bytes; i++)
    s += Math.floor(rng() * 256)
      .toString(16)
      .padStart(2, '0')
  return s
}

function tokenId(rng: () => number): string {
  // 76-77 digit uint256, like Polymarket's ERC-1155 position ids.
  return ((BigInt(`0x${hex(rng, 32)}`) % 10n ** 77n) + 10n ** 75n).toString()
}

/** Seeds `count` markets (or one per spec) deterministically from `rng`. */
export function seedMarkets(rng: () => number, specs: readonly SimMarketSpec[]): SimMarket[] {
  return specs.map((spec, i) => {
    const tickSize = spec.tickSize ?? (SIM_TICK_SIZES[i % SIM_TICK_SIZES.length] as string)
    const tick = new Decimal(tickSize)
    const steps = new Decimal(1).div(tick).toNumber()
    const fair =
      spec.fairPrice ??
      tick.times(Math.max(10, Math.min(steps - 10, Math.round(steps * (0.25 + rng() * 0.5))))).toFixed()
    return {
      conditionId: `0x${hex(rng, 32)}`,
      question: spec.question ?? `Simulated market #${i + 1}?`,
      tokens: [
        { tokenId: tokenId(rng), outcome: 'Yes' },
        { tokenId: tokenId(rng), outcome: 'No' },
      ],
      tickSize,
      negRisk: spec.negRisk ?? i % 2 === 1,
      minOrderSize: spec.minOrderSize ?? '5',
      fairPrice: fair,
      closed: false,
      winner: undefined,
      version: spec.protocol === 'v2' ? 3 : undefined,
    }
  })
}
