// tradekit/polymarket must load without its optional peer dependency ethers (CJS and ESM), and the first call that
// needs ethers must reject with a ConfigError naming the package to install. Runs the built dist/ in child processes
// where 'ethers' cannot be resolved (Module._resolveFilename for require, a resolve hook for import()).
//
//   node scripts/check-optional-ethers.mjs          (after `npm run build`)
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist/polymarket/', import.meta.url))
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563'

/** Body shared by both runs: `pm` is the loaded module. */
const probe = `
  const order = pm.buildOrder(
    { tokenId: '${TOKEN}', price: '0.5', size: '10', side: 'BUY' },
    { tickSize: '0.01', negRisk: false, signatureType: 0, signer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
  )
  const e = await order.then(() => undefined, (x) => x)
  if (e === undefined) throw new Error('buildOrder resolved without ethers')
  if (e.code !== 'CONFIG_INVALID' || !String(e.message).includes('npm install ethers@6'))
    throw new Error('unexpected error: ' + e.code + ' ' + e.message)
  console.log('  first call that needs ethers: ' + e.name + ' "' + e.message + '"')
`

const hook = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(s, c, next) {
    if (s === 'ethers' || s.startsWith('ethers/')) {
      throw Object.assign(new Error("Cannot find package 'ethers'"), { code: 'ERR_MODULE_NOT_FOUND' })
    }
    return next(s, c)
  }`,
)}`
const cjs = `
  const Module = require('node:module')
  const resolve = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'ethers' || request.startsWith('ethers/'))
      throw Object.assign(new Error("Cannot find module 'ethers'"), { code: 'MODULE_NOT_FOUND' })
    return resolve.call(this, request, ...rest)
  }
  // The CJS build loads ethers with import() (as the ESM one), which goes through the ESM resolver.
  Module.register(${JSON.stringify(hook)})
  const pm = require(${JSON.stringify(`${dist}index.cjs`)})
  if (Object.keys(require.cache).some((k) => k.includes('/node_modules/ethers/'))) throw new Error('ethers was loaded')
  ;(async () => { ${probe} })().catch((e) => { console.error(e); process.exit(1) })
`
const esm = `
  import { register } from 'node:module'
  register(${JSON.stringify(hook)})
  const pm = await import(${JSON.stringify(new URL('index.js', `file://${dist}`).href)})
  ${probe}
`

console.log('CJS: require("tradekit/polymarket") without ethers')
execFileSync(process.execPath, ['-e', cjs], { stdio: 'inherit' })
console.log('ESM: import("tradekit/polymarket") without ethers')
execFileSync(process.execPath, ['--input-type=module', '-e', esm], { stdio: 'inherit' })
console.log('ok: tradekit/polymarket loads without ethers (CJS, ESM) and asks for it when needed')
