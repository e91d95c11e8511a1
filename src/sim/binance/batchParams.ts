import { Decimal } from '../../decimal/index.js'
import { SimApiError } from './engine.js'
import { missingParam } from './orderParams.js'

/**
 * Most orders one `POST /fapi/v1/batchOrders` takes ("order list. Max 5 orders",
 * developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Place-Multiple-Orders).
 */
export const MAX_BATCH_ORDERS = 5

/**
 * Most ids one `DELETE /fapi/v1/batchOrders` list takes ("max length 10",
 * developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Cancel-Multiple-Orders).
 */
export const MAX_BATCH_CANCELS = 10

/** One order a batch cancel targets: by exchange id or by client order id. */
export interface BatchCancelTarget {
  readonly orderId?: number
  readonly clientOrderId?: string
}

/**
 * The orders of `batchOrders` (a URL-encoded JSON list), each as the parameters of a `POST /fapi/v1/order`; values
 * may be JSON strings or numbers. A list Binance refuses as a whole throws: absent or empty `-1102`, not a JSON list
 * of objects `-1130`, no order or more than {@link MAX_BATCH_ORDERS} `-4082` (all HTTP 400).
 *
 * Binance documents `-4082 INVALID_BATCH_PLACE_ORDER_SIZE` ("Invalid number of batch place orders.") on its USD-M
 * error-code page; no public capture shows which code an empty list or malformed JSON draws, so the empty list takes
 * `-4082` as well (it is an invalid number of orders) and malformed JSON the documented generic `-1130` ("Data sent
 * for parameter '%s' is not valid.").
 *
 * @example
 * ```ts
 * const items = batchOrderParams(new URLSearchParams({ batchOrders: '[{"symbol":"BTCUSDT","side":"BUY"}]' }))
 * items[0]?.get('side') // 'BUY'
 * ```
 */
export function batchOrderParams(p: URLSearchParams): URLSearchParams[] {
  const list = jsonParam(p, 'batchOrders')
  if (!Array.isArray(list) || !list.every(isRecord)) throw invalidParam('batchOrders')
  if (list.length === 0 || list.length > MAX_BATCH_ORDERS)
    throw new SimApiError(400, -4082, 'Invalid number of batch place orders.')
  return list.map(recordParams)
}

/**
 * The orders a `DELETE /fapi/v1/batchOrders` cancels, in list order: `orderIdList` (JSON list of ids, as numbers or
 * digit strings) or `origClientOrderIdList` (JSON list of strings), exactly one of them, at most
 * {@link MAX_BATCH_CANCELS} ids. Neither (or an empty list) is `-1102`; both `-1128`; a malformed or too long list
 * `-1130` (all HTTP 400; Binance documents no dedicated code for these, so these are its generic codes).
 *
 * The list names are matched without regard to case: ccxt sends `orderidlist` / `origclientorderidlist`, and Binance
 * answers them (a testnet capture in ccxt/ccxt#22890; python-binance#1195 reports the lowercase name as the working one).
 *
 * @example
 * ```ts
 * batchCancelTargets(new URLSearchParams({ orderIdList: '[12,13]' })) // [{ orderId: 12 }, { orderId: 13 }]
 * ```
 */
export function batchCancelTargets(p: URLSearchParams): BatchCancelTarget[] {
  const ids = paramIgnoringCase(p, 'orderIdList')
  const cids = paramIgnoringCase(p, 'origClientOrderIdList')
  if (ids !== undefined && cids !== undefined)
    throw new SimApiError(400, -1128, 'Combination of optional parameters invalid.')
  if (ids !== undefined) return idList(ids, 'orderIdList', orderIdOf).map((orderId) => ({ orderId }))
  if (cids !== undefined)
    return idList(cids, 'origClientOrderIdList', clientOrderIdOf).map((clientOrderId) => ({ clientOrderId }))
  throw bothEmpty()
}

function bothEmpty(): SimApiError {
  return new SimApiError(
    400,
    -1102,
    "Param 'origClientOrderIdList' or 'orderIdList' must be sent, but both were empty/null!",
  )
}

/** Binance's `-1130` for a parameter whose data is not valid. */
function invalidParam(name: string): SimApiError {
  return new SimApiError(400, -1130, `Data sent for parameter '${name}' is not valid.`)
}

/** A JSON parameter, parsed: `-1102` when absent or empty, `-1130` when not JSON. */
function jsonParam(p: URLSearchParams, name: string): unknown {
  const raw = p.get(name)
  if (raw === null || raw === '') throw missingParam(name)
  try {
    return JSON.parse(raw)
  } catch {
    throw invalidParam(name)
  }
}

/** A non-empty parameter whose name matches `name` in any case, or undefined. */
function paramIgnoringCase(p: URLSearchParams, name: string): string | undefined {
  const want = name.toLowerCase()
  for (const [k, v] of p) if (k.toLowerCase() === want && v !== '') return v
  return undefined
}

/** A JSON id list: `-1130` unless a list of at most {@link MAX_BATCH_CANCELS} valid ids; `-1102` when empty. */
function idList<T>(raw: string, name: string, parse: (x: unknown) => T | undefined): T[] {
  let list: unknown
  try {
    list = JSON.parse(raw)
  } catch {
    throw invalidParam(name)
  }
  if (!Array.isArray(list) || list.length > MAX_BATCH_CANCELS) throw invalidParam(name)
  if (list.length === 0) throw bothEmpty()
  return list.map((x) => {
    const id = parse(x)
    if (id === undefined) throw invalidParam(name)
    return id
  })
}

function orderIdOf(x: unknown): number | undefined {
  if (typeof x === 'number' && Number.isSafeInteger(x) && x > 0) return x
  if (typeof x === 'string' && /^\d{1,15}$/.test(x)) return Number(x)
  return undefined
}

function clientOrderIdOf(x: unknown): string | undefined {
  if (typeof x === 'string' && x !== '') return x
  return typeof x === 'number' && Number.isFinite(x) ? String(x) : undefined
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** One JSON order object as request parameters (`null` values left out). */
function recordParams(o: Record<string, unknown>): URLSearchParams {
  const out = new URLSearchParams()
  for (const [k, v] of Object.entries(o)) {
    const text = paramText(v)
    if (text !== undefined) out.set(k, text)
  }
  return out
}

/** A JSON value as a parameter's text: strings as sent, numbers in plain notation (`1e-7` → `0.0000001`). */
function paramText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'number') return Number.isFinite(v) ? new Decimal(v).toFixed() : String(v)
  if (typeof v === 'string' || typeof v === 'boolean') return String(v)
  return JSON.stringify(v)
}
