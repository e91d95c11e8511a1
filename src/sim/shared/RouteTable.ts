import { InvariantError } from '../../errors/index.js'

/** One line of a route table: method and path (a trailing `*` matches any rest of the path). */
export interface RouteEntry {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  readonly path: string
}

/** A matched route and what its `*` matched (empty for an exact path). */
export interface RouteMatch<R extends RouteEntry> {
  readonly route: R
  readonly rest: string
}

/**
 * Method + path → handler lookup of a simulator's REST API, built from small per-family route lists: adding
 * an endpoint is one handler and one line in a list. Exact paths win over `*` prefixes; duplicates throw.
 *
 * @example
 * ```ts
 * const table = new RouteTable([
 *   { method: 'GET', path: '/time', handler: () => Date.now() },
 *   { method: 'GET', path: '/markets/*', handler: () => 'one market' },
 * ])
 * table.match('GET', '/markets/0xabc')?.rest // '0xabc'
 * ```
 */
export class RouteTable<R extends RouteEntry> {
  readonly #exact = new Map<string, R>()
  readonly #prefixes: Array<{ method: string; prefix: string; route: R }> = []

  constructor(routes: readonly R[]) {
    for (const r of routes) {
      const key = `${r.method} ${r.path}`
      if (this.#exact.has(key) || this.#prefixes.some((p) => `${p.method} ${p.prefix}*` === key))
        throw new InvariantError(`Duplicate sim route "${key}"`)
      if (r.path.endsWith('*'))
        this.#prefixes.push({ method: r.method, prefix: r.path.slice(0, -1), route: r })
      else this.#exact.set(key, r)
    }
  }

  /** The route serving `method` and `path`, or undefined. */
  match(method: string, path: string): RouteMatch<R> | undefined {
    const exact = this.#exact.get(`${method} ${path}`)
    if (exact !== undefined) return { route: exact, rest: '' }
    for (const p of this.#prefixes) {
      if (p.method === method && path.startsWith(p.prefix))
        return { route: p.route, rest: path.slice(p.prefix.length) }
    }
    return undefined
  }

  /** Every route, as `METHOD /path` (for docs and tests). */
  keys(): string[] {
    return [...this.#exact.keys(), ...this.#prefixes.map((p) => `${p.method} ${p.prefix}*`)]
  }
}
