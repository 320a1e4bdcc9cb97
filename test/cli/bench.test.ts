// Smoke run of the CLI cold-start benchmark suite (one round, from the sources), so it cannot rot:
// the JSON has the documented shape and the report renders it. Times are never compared with a
// limit here; what each command loads is (it does not vary).
import { beforeAll, describe, expect, it } from 'vitest'
import { render } from '../../bench/report'
import { SUITES } from '../../bench/run'
import * as Cli from '../../bench/suites/cli'

describe('cli suite (one round, from the sources)', () => {
  let result: Cli.Result
  beforeAll(async () => {
    result = await Cli.run(Cli.quick)
  }, 180_000)

  it('times node -e 0 and every command, as ratios to it', () => {
    expect(SUITES).toContain('cli')
    expect(result.benchmark).toBe('cli')
    expect(result.entry).toBe(Cli.quick.entry.label)
    expect(result.baseline.msRounds).toHaveLength(Cli.quick.rounds)
    expect(result.baseline.ms).toBeGreaterThan(0)
    expect(result.rows.map((r) => r.command)).toEqual(Cli.CASES.map((c) => c.command))
    for (const row of result.rows) {
      expect(row.exitCode).toBe(0)
      expect(row.msRounds).toHaveLength(Cli.quick.rounds)
      expect(row.ratio).toBeCloseTo(row.ms / result.baseline.ms, 1)
      expect(row.loads.modules).toBeGreaterThan(0)
    }
    expect(result.goal).toEqual({ command: 'parse <uri>', maxRatio: 2, ratio: result.rows[1]?.ratio, met: (result.rows[1]?.ratio ?? Infinity) <= 2 })
  })

  it('parse and version load neither the AWS SDK nor undici; resolve on the twin loads both', () => {
    const loads = Object.fromEntries(result.rows.map((r) => [r.command, r.loads]))
    expect(loads['version']).toMatchObject({ awsSdk: false, undici: false })
    expect(loads['parse <uri>']).toMatchObject({ awsSdk: false, undici: false })
    expect(loads['resolve team/app (twin)']).toMatchObject({ awsSdk: true, undici: true })
  })

  it('renders as a Markdown table with a line per command', () => {
    const md = render({ cli: result })
    expect(md).toContain('## cli')
    expect(md).toContain('| node -e 0 |')
    for (const r of result.rows) expect(md).toContain(`| ecr-fp-ts ${r.command} |`)
  })
})
