import { describe, expect, it, vi } from 'vitest'
import { ConfigError, isTradekitError } from '../../errors/index.js'

// ethers made unloadable, as in an app that did not install the optional peer dependency.
vi.mock('ethers', () => {
  throw new Error("Cannot find package 'ethers'")
})

const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

describe('loadEthers without ethers installed', () => {
  it('tradekit/polymarket still loads; loadEthers rejects with a ConfigError naming the package', async () => {
    const pm = await import('./index.js')
    expect(typeof pm.buildOrder).toBe('function')
    const { loadEthers } = await import('./loadEthers.js')
    const e = await loadEthers().then(
      () => undefined,
      (x: unknown) => x,
    )
    expect(e).toBeInstanceOf(ConfigError)
    expect(isTradekitError(e, 'CONFIG_INVALID')).toBe(true)
    expect((e as ConfigError).message).toContain('npm install ethers@6')
    expect((e as ConfigError).issues).toEqual(['ethers: cannot be loaded (npm install ethers@6)'])
  })

  it('the first call that needs ethers rejects with that error (orders, hashes, L2 headers, salts)', async () => {
    const pm = await import('./index.js')
    const order = {
      salt: '1',
      maker: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      signer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      tokenId: TOKEN,
      makerAmount: '5000000',
      takerAmount: '10000000',
      side: 'BUY' as const,
      signatureType: 0 as const,
      timestamp: '1',
      expiration: '0',
      metadata: `0x${'0'.repeat(64)}`,
      builder: `0x${'0'.repeat(64)}`,
    }
    const creds = { address: order.signer, apiKey: 'k', secret: 'AAAA', passphrase: 'p' }
    for (const call of [
      pm.buildOrder(
        { tokenId: TOKEN, price: '0.5', size: '10', side: 'BUY' },
        { tickSize: '0.01', negRisk: false, signatureType: 0, signer: order.signer },
      ),
      pm.orderHash(order, { negRisk: false }),
      pm.createL2Headers(creds, { method: 'GET', path: '/x', timestamp: 1 }),
      pm.saltFor('tk-1'),
    ]) {
      await expect(call).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: /npm install ethers@6/ })
    }
  })
})
