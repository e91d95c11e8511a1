// The release workflow cannot run here, so its docs deployment is checked as data: the YAML parses, the site is
// built with the same command as locally (`npm run docs` → typedoc.json's `out`), uploaded with
// actions/upload-pages-artifact and deployed with actions/deploy-pages under the permissions and environment its
// README requires (pages: write, id-token: write, environment github-pages), and only after the gated release job.
// The `yaml` parser is typedoc's own dependency (typedoc is a devDependency).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

interface Step {
  uses?: string
  run?: string
  id?: string
  with?: Record<string, unknown>
}
interface Job {
  needs?: string | string[]
  permissions?: Record<string, string>
  environment?: { name?: string; url?: string }
  steps?: Step[]
}
interface Workflow {
  on: { push?: { branches?: string[] } }
  jobs: Record<string, Job>
}

const root = new URL('../../', import.meta.url)
const workflow = parse(readFileSync(new URL('.github/workflows/release.yml', root), 'utf8')) as Workflow
const typedoc = JSON.parse(readFileSync(new URL('typedoc.json', root), 'utf8')) as { out: string }
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  homepage?: string
  scripts: Record<string, string>
}

const jobs = Object.entries(workflow.jobs)
const usesStep = (job: Job, action: string): Step | undefined =>
  job.steps?.find((s) => s.uses?.startsWith(`${action}@`))
const jobUsing = (action: string): [string, Job] => {
  const found = jobs.find(([, j]) => usesStep(j, action) !== undefined)
  if (found === undefined) throw new Error(`no job of release.yml uses ${action}`)
  return found
}
const needs = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat())

describe('release workflow: docs site on GitHub Pages', () => {
  it('runs on pushes to main, next to the release job', () => {
    expect(workflow.on.push?.branches).toContain('main')
    expect(workflow.jobs.release?.steps?.some((s) => s.run === 'bash .ci/run')).toBe(true)
  })

  it('builds the site with `npm run docs` and uploads typedoc’s output folder as the Pages artifact', () => {
    const [, build] = jobUsing('actions/upload-pages-artifact')
    expect(pkg.scripts.docs).toBe('typedoc')
    const steps = build.steps ?? []
    const install = steps.findIndex((s) => s.run?.startsWith('npm ci'))
    const docs = steps.findIndex((s) => s.run === 'npm run docs')
    const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-pages-artifact@'))
    expect(install).toBeGreaterThanOrEqual(0)
    expect(docs).toBeGreaterThan(install)
    expect(upload).toBeGreaterThan(docs)
    expect(steps[upload]?.with?.path).toBe(typedoc.out)
  })

  it('deploys with actions/deploy-pages, with pages and id-token write, in the github-pages environment', () => {
    const [, deploy] = jobUsing('actions/deploy-pages')
    expect(deploy.permissions).toMatchObject({ pages: 'write', 'id-token': 'write' })
    expect(deploy.environment?.name).toBe('github-pages')
    const step = usesStep(deploy, 'actions/deploy-pages')
    expect(step?.id).toBeDefined()
    expect(deploy.environment?.url).toBe(`\${{ steps.${step?.id}.outputs.page_url }}`)
  })

  it('deploys only after the artifact is built, and builds only after the gated release job', () => {
    const [buildName, build] = jobUsing('actions/upload-pages-artifact')
    const [deployName, deploy] = jobUsing('actions/deploy-pages')
    if (deployName !== buildName) expect(needs(deploy)).toContain(buildName)
    expect(needs(build)).toContain('release')
  })

  it('package.json points npm users at the published site', () => {
    expect(pkg.homepage).toMatch(/^https:\/\/tradekit\.github\.io\/tradekit\/$/)
  })
})
