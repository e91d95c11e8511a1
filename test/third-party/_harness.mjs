// Shared by the third-party scripts: starts a BinanceSim on 127.0.0.1 (tradekit's TypeScript source, loaded
// through tsx from the repository's own install) and counts every client call, failing on any failure.
import assert from 'node:assert/strict'
import { register } from 'tsx/esm/api'

register()

/** Starts a BinanceSim with two symbols and a moving market; `options` adds to (or overrides) its config. */
export async function startBinanceSim(options = {}) {
  const { BinanceSim } = await import('../../src/sim/index.ts')
  const sim = await BinanceSim.start({
    seed: 17,
    symbols: ['BTCUSDT', 'ETHUSDT'],
    tickMs: 20,
    weightLimitPerMinute: 1_000_000,
    ...options,
  })
  sim.step(50) // trades, candles and a 24 h window before the first call
  return sim
}

/** Counts one client's calls; `call` runs one, checks its result, and records (never throws) a failure. */
export class Calls {
  #client
  #count = 0
  #failures = []

  constructor(client) {
    this.#client = client
  }

  /** Runs `fn`, then `check(result)`; returns the result (undefined on failure). */
  async call(name, fn, check = (x) => assert.ok(x !== undefined)) {
    this.#count++
    try {
      const result = await withTimeout(fn(), 10_000, name)
      check(result)
      return result
    } catch (e) {
      this.#failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 600))
      return undefined
    }
  }

  /**
   * Prints the tally (`third-party <client>: N calls, M failed`), closes the clients and the sim (each given 5 s:
   * a client that keeps a socket or agent alive must not hang the suite) and exits, non-zero on any failure.
   */
  async finish(...closers) {
    for (const f of this.#failures) console.error(`  FAILED ${f}`)
    console.log(`third-party ${this.#client}: ${this.#count} calls, ${this.#failures.length} failed`)
    const bad = this.#failures.length > 0 || this.#count === 0 || process.exitCode === 1
    for (const close of closers)
      await withTimeout(Promise.resolve().then(close), 5_000, 'close').catch(() => {})
    process.exit(bad ? 1 : 0)
  }
}

/** Resolves with the error `promise` rejects with; rejects when it resolves (a refusal was expected). */
export function refusal(promise) {
  return promise.then(
    (x) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(x)?.slice(0, 200)}`)
    },
    (e) => e,
  )
}

function withTimeout(promise, ms, name) {
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out after ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export { assert }

/** Resolves once `test()` holds, polling every 20 ms; rejects after 10 s (a caller's own timeout may end it sooner). */
export async function until(test) {
  for (const end = Date.now() + 10_000; !test(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error('condition not reached in 10 s')
  }
  return true
}

/**
 * Buffers every message of a connector's stream from now on (a connector drops events that arrive before a
 * listener is attached); `next(match)` resolves with the first buffered or later message `match` accepts.
 */
export function collect(stream) {
  const seen = []
  const waiting = []
  stream.on('message', (m) => {
    seen.push(m)
    for (const w of [...waiting]) {
      if (w.match(m)) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve(m)
      }
    }
  })
  return {
    next(match) {
      const hit = seen.find(match)
      if (hit !== undefined) return Promise.resolve(hit)
      return new Promise((resolve) => waiting.push({ match, resolve }))
    },
  }
}
