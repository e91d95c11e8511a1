import { Decimal } from '../../../decimal/index.js'
import { HttpFail, parseJson } from '../HttpFail.js'
import { orderJson, page } from '../json.js'
import { type OrderPayload, parseOrderPayload } from '../orderPayload.js'
import { verifyOrderSignature } from '../orderSignature.js'
import type { SimKey } from '../PolymarketAuth.js'
import { checkAmounts, SIM_ORDER_TYPES } from '../protocol.js'
import { type SimExchange, SimRejection, type SimTrade } from '../SimExchange.js'
import type { L2Route, PolymarketRequest, PolymarketVenue } from './PolymarketRoute.js'

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

/** Places one order payload; a refusal is emitted as `order.rejected` and thrown. */
export function postOrder(v: PolymarketVenue, k: SimKey, raw: unknown): unknown {
  try {
    return placeOrder(v, k, parseOrderPayload(raw, k.apiKey))
  } catch (e) {
    const status = e instanceof HttpFail ? e.status : 400
    v.emit('order.rejected', { type: 'order.rejected', owner: k.apiKey, error: (e as Error).message, status })
    throw e
  }
}

/** The EIP-712 domain of the order's exchange; checks the token, the version, the signature and the signer. */
function verifyOrder(v: PolymarketVenue, k: SimKey, p: OrderPayload) {
  const info = v.ex.token(p.order.tokenId)
  if (info === undefined) throw new HttpFail(400, { error: 'Invalid token id' })
  if (v.refusedMakerSignatureTypes.includes(p.order.signatureType)) {
    // Polymarket's answer to new API users' EOA / Safe makers (captured in patrickabedin/polymarket-glm DEPLOYMENT.md).
    throw new HttpFail(400, { error: 'maker address not allowed, please use the deposit wallet flow' })
  }
  const { domain, recovered } = verifyOrderSignature(v.ethers, p.order, p.signature, {
    version: v.versionOf(info.market),
    negRisk: info.market.negRisk,
    chainId: v.chainId,
  })
  const { maker, signer, signatureType } = p.order
  if ((signatureType === 0 || signatureType === 3) && !same(maker, signer)) {
    throw new HttpFail(400, { error: 'invalid signature' })
  }
  if (!same(recovered, k.address)) {
    throw new HttpFail(400, { error: 'the order signer address has to be the address of the API KEY' })
  }
  if (signatureType === 3 && !same(v.depositWallets.get(maker.toLowerCase()) ?? '', k.address)) {
    throw new HttpFail(400, { error: 'the deposit wallet is not owned by the address of the API KEY' })
  }
  return { info, domain }
}

/** Checks amounts, size, expiration and balance (net of open orders), then places and matches the order. */
function placeOrder(v: PolymarketVenue, k: SimKey, p: OrderPayload): unknown {
  const { order, side, orderType, expiration } = p
  const { info, domain } = verifyOrder(v, k, p)
  const { price, size } = checkAmounts(
    side,
    order.makerAmount,
    order.takerAmount,
    orderType,
    info.market.tickSize,
  )
  if ((orderType === 'GTC' || orderType === 'GTD') && size.lt(info.market.minOrderSize)) {
    throw new SimRejection(
      'INVALID_ORDER_MIN_SIZE',
      `order is invalid. Size (${size.toFixed()}) lower than the minimum: ${info.market.minOrderSize}`,
    )
  }
  if (orderType === 'GTD' && expiration <= Math.floor(v.clock.now() / 1000) + 60) {
    throw new SimRejection('INVALID_ORDER_EXPIRATION', 'invalid expiration')
  }
  // Balance check (pUSD for bids, shares for asks), net of what open orders already hold. Shares bought in a trade
  // not on chain yet cannot be sold: the venue counts settled balances (sells right after a `matched` buy are refused,
  // py-clob-client#287, #290), and a failed settlement takes them back, so a venue balance never goes negative.
  const maker = order.maker.toLowerCase()
  const bal = v.ex.balance(maker)
  const res = v.ex.reserved(maker)
  const enough =
    side === 'BUY'
      ? bal.pusd.minus(res.pusd).gte(new Decimal(order.makerAmount).div(1e6))
      : (bal.tokens.get(order.tokenId) ?? new Decimal(0))
          .minus(res.tokens.get(order.tokenId) ?? 0)
          .minus(v.ex.unsettled(maker).get(order.tokenId) ?? 0)
          .gte(size)
  if (!enough) throw new SimRejection('INVALID_ORDER_NOT_ENOUGH_BALANCE', 'not enough balance / allowance')
  if (order.signatureType !== 0) v.funderOf.set(k.address.toLowerCase(), maker)
  const id = v.ethers.TypedDataEncoder.hash(domain, SIM_ORDER_TYPES, order)
  const input = {
    id,
    owner: k.apiKey,
    maker,
    tokenId: order.tokenId,
    side,
    price,
    size,
    orderType,
    expiration,
    postOnly: p.postOnly,
  }
  const delayMs = v.matchDelayMs()
  if (delayMs > 0 && !p.postOnly && isMarketable(v, order.tokenId, side, price)) {
    v.schedule(() => placeDelayed(v, input), delayMs)
    v.emit('order.accepted', { type: 'order.accepted', orderId: id, owner: k.apiKey, status: 'delayed' })
    return {
      success: true,
      errorMsg: '',
      orderID: id,
      status: 'delayed',
      makingAmount: '0',
      takingAmount: '0',
    }
  }
  const { order: placed, trades } = v.ex.place(input)
  if (orderType === 'GTD' && placed.status === 'LIVE') {
    v.schedule(() => v.ex.cancel(id), Math.max(0, (expiration - 60) * 1000 - v.clock.now()))
  }
  const status = trades.length > 0 ? 'matched' : placed.status === 'LIVE' ? 'live' : 'unmatched'
  v.emit('order.accepted', { type: 'order.accepted', orderId: id, owner: k.apiKey, status })
  return { success: true, errorMsg: '', orderID: id, status, ...filledAmounts(side, trades) }
}

/** Whether an order would cross the best opposite level of its token now. */
function isMarketable(v: PolymarketVenue, tokenId: string, side: 'BUY' | 'SELL', price: Decimal): boolean {
  const { bids, asks } = v.ex.levels(tokenId)
  const best = side === 'BUY' ? asks[0] : bids[0]
  return best !== undefined && (side === 'BUY' ? best[0].lte(price) : best[0].gte(price))
}

/** Places an order after its matching delay; one the book can no longer take (e.g. a FOK) is dropped. */
function placeDelayed(v: PolymarketVenue, input: Parameters<SimExchange['place']>[0]): void {
  try {
    v.ex.place(input)
  } catch (e) {
    v.emit('order.rejected', {
      type: 'order.rejected',
      owner: input.owner,
      error: (e as Error).message,
      status: 400,
    })
  }
}

/** What the order gave (`makingAmount`) and got (`takingAmount`) in its immediate matches, and their ids. */
function filledAmounts(side: 'BUY' | 'SELL', trades: readonly SimTrade[]) {
  let making = new Decimal(0)
  let taking = new Decimal(0)
  for (const m of trades.flatMap((t) => t.makers)) {
    const cash = m.size.times(m.price)
    if (side === 'BUY') {
      making = making.plus(cash)
      taking = taking.plus(m.size)
    } else {
      making = making.plus(m.size)
      taking = taking.plus(cash)
    }
  }
  return {
    makingAmount: making.toFixed(),
    takingAmount: taking.toFixed(),
    transactionsHashes: trades.map((t) => t.transactionHash),
    tradeIDs: trades.map((t) => t.id),
  }
}

function postOrders(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const list = parseJson<unknown[]>(r.body, 'Invalid order payload')
  if (!Array.isArray(list) || list.length > 15)
    throw new HttpFail(400, { error: 'Too many orders in payload, max allowed: 15' })
  return list.map((o) => {
    try {
      return postOrder(v, k, o)
    } catch (e) {
      if (e instanceof SimRejection || e instanceof HttpFail) {
        return { success: false, errorMsg: e.message, orderID: '', status: '' }
      }
      throw e
    }
  })
}

/** Cancels the key's orders among `ids`; the rest are reported in `not_canceled`. */
function cancel(
  v: PolymarketVenue,
  k: SimKey,
  ids: readonly string[],
): { canceled: string[]; not_canceled: Record<string, string> } {
  const canceled: string[] = []
  const notCanceled: Record<string, string> = {}
  for (const id of ids) {
    const o = v.ex.orders.get(id)
    if (o === undefined || o.owner !== k.apiKey) notCanceled[id] = "order can't be found"
    else if (v.ex.cancel(id)) canceled.push(id)
    else notCanceled[id] = 'already canceled or matched'
  }
  return { canceled, not_canceled: notCanceled }
}

function cancelMarketOrders(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const f = parseJson<{ market?: string; asset_id?: string }>(r.body || '{}', 'Invalid payload')
  const ids = v.ex
    .liveOrders(
      (o) =>
        o.owner === k.apiKey &&
        (f.market === undefined || o.market === f.market) &&
        (f.asset_id === undefined || o.tokenId === f.asset_id),
    )
    .map((o) => o.id)
  return cancel(v, k, ids)
}

function openOrders(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const q = r.query
  const orders = v.ex.liveOrders(
    (o) =>
      o.owner === k.apiKey &&
      (q.get('market') === null || o.market === q.get('market')) &&
      (q.get('asset_id') === null || o.tokenId === q.get('asset_id')) &&
      (q.get('id') === null || o.id === q.get('id')),
  )
  return page(orders.map(orderJson), q.get('next_cursor'), v.pageSize)
}

function oneOrder(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const o = v.ex.orders.get(r.rest)
  if (o === undefined || o.owner !== k.apiKey) throw new HttpFail(404, { error: 'order not found' })
  return orderJson(o)
}

/** Orders (L2): post one or a batch, cancel by id, all or by market, list open, get one. */
export const orderRoutes: readonly L2Route[] = [
  {
    method: 'POST',
    path: '/order',
    auth: 'l2',
    handler: (v, r, k) => postOrder(v, k, parseJson(r.body, 'Invalid order payload')),
  },
  { method: 'POST', path: '/orders', auth: 'l2', handler: postOrders },
  {
    method: 'DELETE',
    path: '/order',
    auth: 'l2',
    handler: (v, r, k) =>
      cancel(v, k, [parseJson<{ orderID: string }>(r.body, 'Invalid order payload').orderID]),
  },
  {
    method: 'DELETE',
    path: '/orders',
    auth: 'l2',
    handler: (v, r, k) => {
      const ids = parseJson<string[]>(r.body, 'Invalid order payload')
      // "Maximum 3000 orders per request. Duplicate order IDs in the request are automatically ignored."
      // (docs.polymarket.com, cancel multiple orders); the refusal text is the sim's own.
      if (!Array.isArray(ids) || ids.length > 3000)
        throw new HttpFail(400, { error: 'Too many order ids in payload, max allowed: 3000' })
      return cancel(v, k, [...new Set(ids)])
    },
  },
  {
    method: 'DELETE',
    path: '/cancel-all',
    auth: 'l2',
    handler: (v, _r, k) =>
      cancel(
        v,
        k,
        v.ex.liveOrders((o) => o.owner === k.apiKey).map((o) => o.id),
      ),
  },
  { method: 'DELETE', path: '/cancel-market-orders', auth: 'l2', handler: cancelMarketOrders },
  { method: 'GET', path: '/data/orders', auth: 'l2', handler: openOrders },
  { method: 'GET', path: '/data/order/*', auth: 'l2', handler: oneOrder },
]
