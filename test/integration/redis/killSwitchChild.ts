/**
 * One bot process of the kill-switch test: a RiskManager on the shared RedisStateStore with two open orders of its
 * own (a fake executor); `press` on stdin runs its emergencyStop. Prints `ready`, then one JSON line when stopped.
 *
 *   node --import tsx killSwitchChild.ts <redisUrl> <name>
 */
import { createInterface } from 'node:readline'
import { RedisConnection, RedisStateStore, shareKillSwitch } from '../../../src/redis/index.js'
import { FakeExecutor, openOrder } from '../../../src/risk/__fixtures__/builders.js'
import { RiskManager } from '../../../src/risk/index.js'

const [url = '', name = 'p'] = process.argv.slice(2)
const redis = await RedisConnection.connect({ url, deployment: 'kill' })
const store = new RedisStateStore({ redis, name: 'account-1', pollMs: 250 })
const risk = new RiskManager({ store })
await risk.start()
// start() asks for its state to be saved and does not wait for the write: 'ready' only once it landed, or a press
// that comes first makes this save refused (Redis holds the HALTED) and the halt arrives by that path instead.
await risk.guard.flush()
const executor = new FakeExecutor(['binance'], [openOrder(`${name}-1`), openOrder(`${name}-2`)])
risk.registerExecutor(executor)
const unlink = shareKillSwitch(risk, store)
risk.events.on('risk.emergencyStopped', (e) => {
  process.stdout.write(
    `${JSON.stringify({ name, canceled: [...e.report.canceled].sort(), reason: e.report.reason, at: Date.now() })}\n`,
  )
  // Give the guard a moment to persist, then leave.
  setTimeout(() => {
    unlink()
    redis.close()
    process.exit(0)
  }, 100)
})
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'press') void risk.emergencyStop('operator pressed the kill switch')
})
process.stdout.write('ready\n')
