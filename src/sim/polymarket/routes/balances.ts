import { Decimal } from '../../../decimal/index.js'
import { HttpFail } from '../HttpFail.js'
import type { SimKey } from '../PolymarketAuth.js'
import { SIM_CTF_EXCHANGE, SIM_EXCHANGE_V3, SIM_NEG_RISK_EXCHANGE } from '../protocol.js'
import type { L2Route, PolymarketRequest, PolymarketVenue } from './PolymarketRoute.js'

const MAX_UINT256 = '115792089237316195423570985008687907853269984665640564039457584007913129639935'

/** pUSD (`COLLATERAL`) or shares (`CONDITIONAL`) of the key's wallet (or its funder), in 6-decimal units. */
function balanceAllowance(v: PolymarketVenue, r: PolymarketRequest, k: SimKey): unknown {
  const q = r.query
  const addr = v.funderOf.get(k.address.toLowerCase()) ?? k.address
  const bal = v.ex.balance(addr)
  const type = q.get('asset_type')
  let amount: Decimal
  if (type === 'COLLATERAL') amount = bal.pusd
  // CONDITIONAL-V2: positions of Protocol V2 markets (ExchangeV3); CONDITIONAL: the older markets'.
  else if (type === 'CONDITIONAL' || type === 'CONDITIONAL-V2') {
    const token = q.get('token_id') ?? ''
    const info = v.ex.token(token)
    if (info !== undefined && (info.market.version === 3) !== (type === 'CONDITIONAL-V2')) {
      throw new HttpFail(400, { error: `Invalid asset type ${type} for token ${token}` })
    }
    amount = bal.tokens.get(token) ?? new Decimal(0)
  } else throw new HttpFail(400, { error: 'Invalid asset type' })
  return {
    balance: amount.times(1e6).toFixed(0),
    allowances: {
      [SIM_CTF_EXCHANGE]: MAX_UINT256,
      [SIM_NEG_RISK_EXCHANGE]: MAX_UINT256,
      [SIM_EXCHANGE_V3]: MAX_UINT256,
    },
  }
}

/** Balances and allowances (L2). */
export const balanceRoutes: readonly L2Route[] = [
  { method: 'GET', path: '/balance-allowance', auth: 'l2', handler: balanceAllowance },
]
