import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { POLYMARKET_WS_CHANNELS, renderSimCoverage, SIM_COVERAGE_PATH } from '../../scripts/sim-coverage.js'
import { PolymarketSim } from '../../src/sim/index.js'

describe('docs/sim-coverage.md', () => {
  it('is the table generated from the sims (run `node --import tsx scripts/sim-coverage.ts` when this fails)', async () => {
    expect(readFileSync(SIM_COVERAGE_PATH, 'utf8')).toBe(await renderSimCoverage())
  })

  it('lists PolymarketSim WebSocket channels that accept a connection', async () => {
    const sim = await PolymarketSim.start()
    try {
      for (const path of POLYMARKET_WS_CHANNELS) {
        const ws = new WebSocket(`${sim.wsUrl}${path}`)
        await new Promise((resolve, reject) => {
          ws.on('open', resolve)
          ws.on('error', reject)
        })
        ws.close()
      }
    } finally {
      await sim.close()
    }
  })
})
