/**
 * The soak's order trace: every adapter call and executor event of the market makers' quotes (client ids starting
 * with `q`), kept per order, so a quote found resting can be explained from what was asked and answered.
 */
import type { ExchangeAdapter } from '../../src/core/ports.js'
import type { OrderExecutor } from '../../src/execution/index.js'

const PER_ORDER = 40
const ORDERS = 5_000

/** Records the quote orders' adapter calls and executor events; `of(cid)` prints one order's lines. */
export class OrderTrace {
  readonly #lines = new Map<string, string[]>()

  /** Wraps the adapter's order calls (on the instance) so each call and its answer is recorded per quote. */
  wrap(adapter: ExchangeAdapter): void {
    const a = adapter as unknown as Record<string, unknown>
    const per = (name: string, cidsOf: (args: unknown[]) => string[]): void => {
      const fn = a[name]
      if (typeof fn !== 'function') return
      a[name] = async (...args: unknown[]) => {
        const cids = cidsOf(args)
        for (const c of cids) this.add(c, `${name} sent`)
        try {
          const out: unknown = await (fn as (...x: unknown[]) => Promise<unknown>).apply(adapter, args)
          cids.forEach((c, i) => {
            this.add(c, `${name} answered ${brief(Array.isArray(out) ? out[i] : out)}`)
          })
          return out
        } catch (e) {
          for (const c of cids) this.add(c, `${name} failed ${errorText(e)}`)
          throw e
        }
      }
    }
    const second = (args: unknown[]) => [String(args[1])]
    per('cancelOrder', second)
    per('queryOrder', second)
    per('orderFills', second)
    per('amendOrder', second)
    per('replaceOrder', second)
    per('placeOrder', (args) => [String((args[0] as { clientOrderId?: string }).clientOrderId)])
    per('placeOrders', (args) => (args[0] as Array<{ clientOrderId: string }>).map((r) => r.clientOrderId))
    per('cancelOrders', (args) => (args[0] as Array<{ clientOrderId: string }>).map((r) => r.clientOrderId))
    adapter.events.on('order.updated', (e) => this.add(e.order.clientOrderId, `stream: ${e.order.status}`))
  }

  /** Records the executor's order events of quotes. */
  watch(exec: OrderExecutor): void {
    for (const type of [
      'order.accepted',
      'order.canceled',
      'order.filled',
      'order.rejected',
      'order.expired',
    ] as const)
      exec.events.on(type, (e: { order: { clientOrderId: string; status: string } }) =>
        this.add(e.order.clientOrderId, `${type} → ${e.order.status}`),
      )
    exec.events.on('order.outcomeUnresolved', (e) =>
      this.add(e.order.clientOrderId, `outcomeUnresolved ${e.error.code}`),
    )
    exec.events.on('order.transitionRefused', (e) =>
      this.add(e.order.clientOrderId, `transitionRefused ${e.order.status} → ${e.attempted}`),
    )
  }

  add(cid: string, line: string): void {
    if (!cid.startsWith('q')) return
    let l = this.#lines.get(cid)
    if (l === undefined) {
      if (this.#lines.size >= ORDERS) this.#lines.delete(this.#lines.keys().next().value as string)
      l = []
      this.#lines.set(cid, l)
    }
    if (l.length >= PER_ORDER) l.shift()
    // Wall-clock time of day (UTC), to line up with the ban and fault times the report prints.
    l.push(`${new Date().toISOString().slice(11, 23)} ${line}`)
  }

  /** One order's recorded lines, indented. */
  of(cid: string): string {
    return (this.#lines.get(cid) ?? ['(nothing recorded)']).map((l) => `            ${l}`).join('\n')
  }
}

function brief(out: unknown): string {
  if (out === undefined) return 'undefined (not known)'
  const r = out as {
    ok?: boolean
    value?: unknown
    error?: unknown
    status?: string
    order?: { status?: string }
  }
  if (r.ok === true) return brief(r.value)
  if (r.ok === false) return `error ${errorText(r.error)}`
  return r.status ?? r.order?.status ?? 'ok'
}

function errorText(e: unknown): string {
  const x = e as { code?: string; message?: string }
  return `${x.code ?? ''} ${(x.message ?? String(e)).slice(0, 120)}`
}
