// tradekit/redis must load without its optional peer dependency redis (node-redis), CJS and ESM, and connecting
// must reject with a ConfigError naming the package to install. Runs the built dist/ in child processes where
// 'redis' cannot be resolved (Module._resolveFilename for require, a resolve hook for import()).
//
//   node scripts/check-optional-redis.mjs          (after `npm run build`)
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const dist = fileURLToPath(new URL('../dist/redis/', import.meta.url))

const probe = `
  const e = await m.RedisConnection.connect({ port: 1 }).then(() => undefined, (x) => x)
  if (e === undefined) throw new Error('connect resolved without redis')
  if (e.code !== 'CONFIG_INVALID' || !String(e.message).includes('npm install redis'))
    throw new Error('unexpected error: ' + e.code + ' ' + e.message)
  console.log('  connect without redis: ' + e.name + ' "' + e.message + '"')
`
const blocked = (s) => `(${s} === 'redis' || ${s}.startsWith('redis/') || ${s}.startsWith('@redis/'))`
const hook = `data:text/javascript,${encodeURIComponent(
  `export async function resolve(s, c, next) {
    if ${blocked('s')} {
      throw Object.assign(new Error("Cannot find package 'redis'"), { code: 'ERR_MODULE_NOT_FOUND' })
    }
    return next(s, c)
  }`,
)}`
const cjs = `
  const Module = require('node:module')
  const resolve = Module._resolveFilename
  Module._resolveFilename = function (request, ...rest) {
    if ${blocked('request')}
      throw Object.assign(new Error("Cannot find module 'redis'"), { code: 'MODULE_NOT_FOUND' })
    return resolve.call(this, request, ...rest)
  }
  Module.register(${JSON.stringify(hook)})
  const m = require(${JSON.stringify(`${dist}index.cjs`)})
  if (Object.keys(require.cache).some((k) => k.includes('/node_modules/redis/'))) throw new Error('redis was loaded')
  ;(async () => { ${probe} })().catch((e) => { console.error(e); process.exit(1) })
`
const esm = `
  import { register } from 'node:module'
  register(${JSON.stringify(hook)})
  const m = await import(${JSON.stringify(new URL('index.js', `file://${dist}`).href)})
  ${probe}
`

console.log('CJS: require("tradekit/redis") without redis')
execFileSync(process.execPath, ['-e', cjs], { stdio: 'inherit' })
console.log('ESM: import("tradekit/redis") without redis')
execFileSync(process.execPath, ['--input-type=module', '-e', esm], { stdio: 'inherit' })
console.log('ok: tradekit/redis loads without redis (CJS, ESM) and asks for it when needed')
