import { ConfigError } from '../../errors/index.js'

/** The ethers v6 module, as `import('ethers')` gives it. */
export type EthersModule = typeof import('ethers')

let loading: Promise<EthersModule> | undefined

/**
 * Loads ethers v6, the optional peer dependency that signing, hashing and address checks need, on first use (and
 * once): `tradekit/polymarket` itself loads without it. Rejects with a {@link ConfigError} that names the package to
 * install when ethers cannot be loaded; a later call tries again.
 *
 * @example
 * ```ts
 * const { getAddress } = await loadEthers() // ConfigError "... npm install ethers@6" when it is missing
 * ```
 */
export function loadEthers(): Promise<EthersModule> {
  loading ??= import('ethers').catch((cause: unknown) => {
    loading = undefined
    throw new ConfigError(
      'tradekit/polymarket needs the optional peer dependency ethers v6 to sign orders and requests: npm install ethers@6',
      ['ethers: cannot be loaded (npm install ethers@6)'],
      { cause },
    )
  })
  return loading
}
