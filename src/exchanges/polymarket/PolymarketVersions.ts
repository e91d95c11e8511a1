import { ValidationError } from '../../errors/index.js'
import type { ExchangeVersion } from './constants.js'
import type { HeartbeatState } from './PolymarketHeartbeat.js'

/** What {@link PolymarketVersions.snapshot} reports (and `PolymarketAdapter.health()` shows). */
export interface PolymarketVersionsSnapshot {
  /** The server-wide default from `GET /version`; undefined until read. */
  readonly server: ExchangeVersion | undefined
  /** Versions pinned by the user, by token id. */
  readonly pinned: Readonly<Record<string, ExchangeVersion>>
  /** Versions learned from the markets (Protocol V2 markets, with position ids, trade on ExchangeV3), by token id. */
  readonly markets: Readonly<Record<string, ExchangeVersion>>
}

/** What `PolymarketAdapter.health()` reports. */
export interface PolymarketHealth {
  /** The order heartbeat (dead-man's switch) state. */
  readonly heartbeat: HeartbeatState
  /** The exchange versions in use. */
  readonly versions: PolymarketVersionsSnapshot
}

/**
 * The exchange version each token's orders are signed for: a user pin, else what the market says (a Protocol V2
 * market, with `position_ids`, trades on ExchangeV3), else the server-wide `GET /version` (read once, re-read on
 * `order_version_mismatch`), else 2.
 *
 * @example
 * ```ts
 * const versions = new PolymarketVersions(async () => (await fetchJson('/version')).version)
 * versions.pin(tokenId, 3)
 * await versions.forToken(tokenId) // 3
 * ```
 */
export class PolymarketVersions {
  readonly #read: () => Promise<unknown>
  readonly #pinned = new Map<string, ExchangeVersion>()
  readonly #markets = new Map<string, ExchangeVersion>()
  #server: ExchangeVersion | undefined
  #reading: Promise<ExchangeVersion> | undefined

  readonly #onReadError: (e: unknown) => void

  /**
   * @param read reads `GET /version`'s `version` field.
   * @param pins versions pinned per token id.
   * @param onReadError told when a read fails (the order then uses the last known version, or 2).
   */
  constructor(
    read: () => Promise<unknown>,
    pins: Readonly<Record<string, ExchangeVersion>> = {},
    onReadError: (e: unknown) => void = () => {},
  ) {
    this.#read = read
    this.#onReadError = onReadError
    for (const [token, v] of Object.entries(pins)) this.pin(token, v)
  }

  /**
   * Pins the version of a token, or of every token of a market by its condition id (applied once the market was looked
   * up). The user's choice wins over the market and the server.
   */
  pin(tokenId: string, version: ExchangeVersion): void {
    if (version !== 2 && version !== 3) {
      throw new ValidationError(`Invalid exchange version "${String(version)}"`, { field: 'version' })
    }
    this.#pinned.set(tokenId, version)
  }

  /** Records what a market says about its tokens' version. */
  noteMarket(tokenIds: readonly string[], version: ExchangeVersion): void {
    for (const t of tokenIds) this.#markets.set(t, version)
  }

  /** Links a market's tokens to its condition id: a version pinned for the condition id applies to its tokens. */
  noteTokens(conditionId: string, tokenIds: readonly string[]): void {
    const pinned = this.#pinned.get(conditionId)
    if (pinned === undefined) return
    for (const t of tokenIds) if (!this.#pinned.has(t)) this.#pinned.set(t, pinned)
  }

  /** The server-wide version (`GET /version`, cached; `refresh` reads it again). A missing field reads as 2. */
  async server(refresh = false): Promise<ExchangeVersion> {
    if (!refresh && this.#server !== undefined) return this.#server
    this.#reading ??= this.#read()
      .then((raw) => {
        const v = raw === 3 || raw === '3' ? 3 : 2
        this.#server = v
        return v
      })
      .finally(() => {
        this.#reading = undefined
      })
    return this.#reading
  }

  /**
   * The version a token's orders are signed for now. When `GET /version` cannot be read, the last known server
   * version (or 2) is used and the failure reported; an `order_version_mismatch` then corrects it.
   */
  async forToken(tokenId: string): Promise<ExchangeVersion> {
    const known = this.#pinned.get(tokenId) ?? this.#markets.get(tokenId)
    if (known !== undefined) return known
    try {
      return await this.server()
    } catch (e) {
      this.#onReadError(e)
      return this.#server ?? 2
    }
  }

  /**
   * After `order_version_mismatch`: re-reads the server version and forgets what the market said (a pinned
   * version stays); returns the version to re-sign with, or undefined when it is the one just refused.
   */
  async afterMismatch(tokenId: string, refused: ExchangeVersion): Promise<ExchangeVersion | undefined> {
    if (this.#pinned.has(tokenId)) return undefined
    this.#markets.delete(tokenId)
    const server = await this.server(true)
    if (server !== refused) return server
    const other: ExchangeVersion = refused === 2 ? 3 : 2
    this.#markets.set(tokenId, other)
    return other
  }

  /** The versions known now. */
  snapshot(): PolymarketVersionsSnapshot {
    return {
      server: this.#server,
      pinned: Object.fromEntries(this.#pinned),
      markets: Object.fromEntries(this.#markets),
    }
  }
}
