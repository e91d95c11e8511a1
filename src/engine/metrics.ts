import { InvariantError } from '../errors/index.js'

/** Label set of one metric sample. */
export type Labels = Readonly<Record<string, string>>

type Kind = 'counter' | 'gauge' | 'histogram'

interface Family {
  readonly name: string
  readonly help: string
  readonly kind: Kind
  readonly buckets?: readonly number[]
  readonly samples: Map<
    string,
    { labels: Labels; value: number; counts?: number[]; sum?: number; count?: number }
  >
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/
/** Default latency buckets in seconds. */
export const DEFAULT_LATENCY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

/**
 * A minimal metrics registry that renders the Prometheus / OpenMetrics text exposition format: counters, gauges
 * and histograms with labels. No global registry: each engine owns one.
 *
 * @example
 * ```ts
 * const m = new MetricsRegistry()
 * m.counter('tradekit_orders_total', 'Orders by outcome').inc({ outcome: 'filled' })
 * console.log(m.render())
 * ```
 */
export class MetricsRegistry {
  readonly #families = new Map<string, Family>()

  /**
   * Declares (or returns) a counter. `bind(labels)` returns the counter of one label set, looked up once: a hot path
   * counts without building the labels' key at every call.
   */
  counter(
    name: string,
    help: string,
  ): { inc(labels?: Labels, by?: number): void; bind(labels: Labels): { inc(by?: number): void } } {
    const f = this.#family(name, help, 'counter')
    return {
      inc: (labels = {}, by = 1) => {
        if (!(by >= 0)) return
        const s = this.#sample(f, labels)
        s.value += by
      },
      bind: (labels) => {
        const s = this.#sample(f, labels)
        return {
          inc: (by = 1) => {
            if (by >= 0) s.value += by
          },
        }
      },
    }
  }

  /** Declares (or returns) a gauge. */
  gauge(name: string, help: string): { set(value: number, labels?: Labels): void } {
    const f = this.#family(name, help, 'gauge')
    return {
      set: (value, labels = {}) => {
        if (Number.isFinite(value)) this.#sample(f, labels).value = value
      },
    }
  }

  /** Declares (or returns) a histogram with cumulative buckets. */
  histogram(
    name: string,
    help: string,
    buckets: readonly number[] = DEFAULT_LATENCY_BUCKETS,
  ): { observe(value: number, labels?: Labels): void } {
    const f = this.#family(name, help, 'histogram', buckets)
    return {
      observe: (value, labels = {}) => {
        if (!Number.isFinite(value)) return
        const s = this.#sample(f, labels)
        const buckets = f.buckets ?? []
        if (s.counts === undefined) s.counts = new Array<number>(buckets.length).fill(0)
        const counts = s.counts
        buckets.forEach((b, i) => {
          if (value <= b) counts[i] = (counts[i] ?? 0) + 1
        })
        s.sum = (s.sum ?? 0) + value
        s.count = (s.count ?? 0) + 1
      },
    }
  }

  /** Renders every metric in the text exposition format (ends with `# EOF`, valid for Prometheus and OpenMetrics). */
  render(): string {
    const out: string[] = []
    for (const f of this.#families.values()) {
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`)
      out.push(`# TYPE ${f.name} ${f.kind}`)
      for (const s of f.samples.values()) {
        if (f.kind === 'histogram') {
          const buckets = f.buckets ?? []
          buckets.forEach((b, i) => {
            out.push(`${f.name}_bucket${fmtLabels({ ...s.labels, le: String(b) })} ${s.counts?.[i] ?? 0}`)
          })
          out.push(`${f.name}_bucket${fmtLabels({ ...s.labels, le: '+Inf' })} ${s.count ?? 0}`)
          out.push(`${f.name}_sum${fmtLabels(s.labels)} ${fmtNum(s.sum ?? 0)}`)
          out.push(`${f.name}_count${fmtLabels(s.labels)} ${s.count ?? 0}`)
        } else {
          out.push(
            `${f.kind === 'counter' ? `${f.name}_total` : f.name}${fmtLabels(s.labels)} ${fmtNum(s.value)}`,
          )
        }
      }
    }
    out.push('# EOF')
    return `${out.join('\n')}\n`
  }

  #family(name: string, help: string, kind: Kind, buckets?: readonly number[]): Family {
    // Counters are declared without the `_total` suffix; it is added on render (OpenMetrics convention).
    const base = kind === 'counter' ? name.replace(/_total$/, '') : name
    if (!NAME.test(base)) throw new InvariantError(`Invalid metric name "${name}"`)
    const existing = this.#families.get(base)
    if (existing !== undefined) {
      if (existing.kind !== kind)
        throw new InvariantError(`Metric "${base}" already declared as ${existing.kind}`)
      return existing
    }
    const f: Family = {
      name: base,
      help,
      kind,
      samples: new Map(),
      ...(buckets !== undefined ? { buckets } : {}),
    }
    this.#families.set(base, f)
    return f
  }

  #sample(
    f: Family,
    labels: Labels,
  ): { labels: Labels; value: number; counts?: number[]; sum?: number; count?: number } {
    const key = labelKey(labels)
    let s = f.samples.get(key)
    if (s === undefined) {
      for (const k of Object.keys(labels))
        if (!LABEL.test(k)) throw new InvariantError(`Invalid label name "${k}"`)
      s = { labels, value: 0 }
      f.samples.set(key, s)
    }
    return s
  }
}

/** A sample's key: the labels as `name=value`, sorted by name, comma-separated (one or two labels: no sort). */
function labelKey(labels: Labels): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  const [a = '', b = ''] = keys
  if (keys.length === 1) return `${a}=${labels[a]}`
  if (keys.length === 2)
    return a < b ? `${a}=${labels[a]},${b}=${labels[b]}` : `${b}=${labels[b]},${a}=${labels[a]}`
  return keys
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',')
}

function fmtLabels(labels: Labels): string {
  const keys = Object.keys(labels)
  if (keys.length === 0) return ''
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',')}}`
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

function fmtNum(n: number): string {
  if (Number.isNaN(n)) return 'NaN'
  if (n === Number.POSITIVE_INFINITY) return '+Inf'
  if (n === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(n)
}
