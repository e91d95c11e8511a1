import { readFileSync } from 'node:fs'
import { Wallet } from 'ethers'
import { describe, expect, it } from 'vitest'
import { buildMarketOrder, buildOrder } from './buildOrder.js'
import type { ExchangeVersion, TickSize } from './constants.js'
import { orderHash, signOrder } from './signOrder.js'
import { toPostOrderBody } from './toPostOrderBody.js'
import type { PolymarketSide, SignatureType } from './types.js'

/**
 * Vectors generated with Polymarket's official client, unmodified (@polymarket/clob-client-v2, version recorded in
 * the file), by test/official-polymarket/generate-vectors.mjs: V2 and V3 limit orders on every tick size for
 * signature types 0–3 (3 = deposit wallet, ERC-7739 wrapped), and market orders on every tick size.
 */
interface Vector {
  kind: 'limit' | 'market'
  input: {
    version: ExchangeVersion
    tickSize: TickSize
    negRisk: boolean
    signatureType: SignatureType
    signer: string
    funder?: string
    tokenId: string
    side: PolymarketSide
    price: string
    size?: string
    amount?: string
    expiration?: string
    salt: string
    timestamp: string
  }
  order: Record<string, unknown>
  signature: string
  orderHash: string
  postBody: string
}
const FILE = JSON.parse(
  readFileSync(new URL('__fixtures__/official/vectors.json', import.meta.url), 'utf8'),
) as { packages: Record<string, string>; privateKey: string; owner: string; vectors: Vector[] }
const wallet = new Wallet(FILE.privateKey)
const limit = FILE.vectors.filter((v) => v.kind === 'limit')
const market = FILE.vectors.filter((v) => v.kind === 'market')
const fitsServer = (v: Vector) => v.input.tickSize === '0.1' || v.input.tickSize === '0.01'

async function build(v: Vector) {
  const i = v.input
  const options = {
    tickSize: i.tickSize,
    negRisk: i.negRisk,
    signatureType: i.signatureType,
    signer: i.signer,
    version: i.version,
    ...(i.funder !== undefined ? { funder: i.funder } : {}),
  }
  const common = { tokenId: i.tokenId, side: i.side, salt: i.salt, timestamp: i.timestamp }
  return v.kind === 'limit'
    ? buildOrder(
        {
          ...common,
          price: i.price,
          size: i.size ?? '',
          ...(i.expiration ? { expiration: i.expiration } : {}),
        },
        options,
      )
    : buildMarketOrder({ ...common, price: i.price, amount: i.amount ?? '' }, options)
}

async function signAndCompare(v: Vector) {
  const order = await build(v)
  const { version: _v, walletOwner: _w, ...wire } = order
  expect(wire).toEqual(v.order)
  const signed = await signOrder(order, wallet, { negRisk: v.input.negRisk, version: v.input.version })
  expect(signed.signature).toBe(v.signature)
  expect(await orderHash(order, { negRisk: v.input.negRisk, version: v.input.version })).toBe(v.orderHash)
  const orderType = v.kind === 'market' ? 'FOK' : v.input.expiration ? 'GTD' : 'GTC'
  expect(JSON.stringify(toPostOrderBody(signed, { owner: FILE.owner, orderType }))).toBe(v.postBody)
}

describe(`official client vectors (@polymarket/clob-client-v2 ${FILE.packages['@polymarket/clob-client-v2']})`, () => {
  it('covers V2 and V3, every tick size, signature types 0–3 and market orders', () => {
    const key = (v: Vector) => `${v.kind}/${v.input.version}/${v.input.tickSize}/${v.input.signatureType}`
    const keys = new Set(FILE.vectors.map(key))
    for (const version of [2, 3])
      for (const tick of ['0.1', '0.01', '0.001', '0.0001']) {
        for (const t of [0, 1, 2, 3]) expect(keys).toContain(`limit/${version}/${tick}/${t}`)
        expect([...keys].some((k) => k.startsWith(`market/${version}/${tick}/`))).toBe(true)
      }
  })

  it.each(
    limit.map(
      (v) =>
        [
          `${v.input.version} ${v.input.tickSize} type ${v.input.signatureType}${v.input.negRisk ? ' negRisk' : ''}`,
          v,
        ] as const,
    ),
  )(
    'limit order V%s: salt, amounts, signature, order hash and POST body are bit-identical',
    async (_name, v) => signAndCompare(v),
  )

  it.each(
    market
      .filter(fitsServer)
      .map((v) => [`${v.input.version} ${v.input.tickSize} ${v.input.side} ${v.input.amount}`, v] as const),
  )(
    'market order V%s: bit-identical with the official client where its amounts fit the server (0.1, 0.01)',
    async (_name, v) => signAndCompare(v),
  )

  it.each(
    market
      .filter((v) => !fitsServer(v))
      .map((v) => [`${v.input.version} ${v.input.tickSize} ${v.input.side}`, v] as const),
  )(
    'market order V%s: on finer ticks the official taker amount is truncated to the server’s 4 decimals',
    async (_name, v) => {
      const order = await build(v)
      expect(order.makerAmount).toBe(v.order.makerAmount)
      const official = BigInt(String(v.order.takerAmount))
      expect(BigInt(order.takerAmount)).toBe((official / 100n) * 100n)
      expect(BigInt(order.takerAmount) % 100n).toBe(0n)
    },
  )

  it('were generated with the package versions test/official-polymarket pins', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../../test/official-polymarket/package.json', import.meta.url), 'utf8'),
    ) as { dependencies: Record<string, string> }
    for (const [name, version] of Object.entries(FILE.packages)) expect(pkg.dependencies[name]).toBe(version)
  })

  it('rejects a version at signing that differs from the one the order was built for', async () => {
    const v = limit.find((x) => x.input.version === 3 && x.input.signatureType === 0)
    if (v === undefined) throw new Error('no V3 vector')
    const order = await build(v)
    await expect(signOrder(order, wallet, { negRisk: false, version: 2 })).rejects.toThrow(/version 3, not 2/)
    await expect(orderHash(order, { negRisk: false, version: 2 })).rejects.toThrow(/version/)
  })

  it('refuses a deposit-wallet order signed by a key that does not own the wallet', async () => {
    const v = limit.find((x) => x.input.signatureType === 3)
    if (v === undefined) throw new Error('no type-3 vector')
    const order = await build(v)
    expect([order.maker, order.signer]).toEqual([v.input.funder, v.input.funder])
    const stranger = Wallet.createRandom()
    await expect(signOrder(order, stranger, { negRisk: v.input.negRisk })).rejects.toThrow(/not the owner/)
  })
})
