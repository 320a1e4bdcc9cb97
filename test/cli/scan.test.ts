import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import { waitForFindings } from '../../src/cli/commands/scan'
import * as Image from '../../src/Image'
import { cliOver, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts scan', () => {
  it('starts a scan; --wait prints the status, the counts and a line per finding', async () => {
    const twin = makeTwin()
    const image = push(twin, 'app', { tag: 'v1' })
    const started = await cliOver(twin)('scan', 'app:v1')
    expect(started).toMatchObject({ code: 0, stderr: '' })
    expect(started.stdout).toContain('scan started')
    // the twin's scan finds what a test seeds; seeding records a scan, so --wait reads it (a note: already scanned today)
    const seeded = makeTwin()
    push(seeded, 'app', { tag: 'v1' })
    expect(E.isRight(seeded.setScanFindings('app', 'v1', { findings: [{ name: 'CVE-2024-1', severity: 'HIGH', uri: 'https://cve/1' }] }))).toBe(true)
    const r = await cliOver(seeded)('scan', 'app:v1', '--wait')
    expect(r.code).toBe(0)
    const out = lines(r.stdout)
    expect(out[0]).toMatch(new RegExp(`^${hostOf(seeded)}/app@sha256:[0-9a-f]{64} COMPLETE`))
    expect(out.slice(1)).toEqual(['HIGH 1', 'HIGH  CVE-2024-1  https://cve/1'])
    const json = await cliOver(seeded)('--json', 'scan', 'app:v1', '--wait')
    expect(JSON.parse(json.stdout)).toMatchObject({
      repositoryName: 'app',
      status: 'COMPLETE',
      severityCounts: { HIGH: 1, CRITICAL: 0 },
      findings: [{ name: 'CVE-2024-1', severity: 'HIGH', uri: 'https://cve/1' }]
    })
    void image
  })

  it('without --wait, a second scan the same day fails (exit 1): ECR allows one a day', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    expect((await cliOver(twin)('scan', 'app:v1')).code).toBe(0)
    const again = await cliOver(twin)('scan', 'app:v1')
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('LimitExceeded')
    expectUsageError(await cliOver(twin)('scan'))
  })

  it('waitForFindings polls until the scan is done, and gives up after its bounded wait', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const twin = makeTwin({ scanMs: 12_000, now: () => new Date(clock) })
    push(twin, 'app', { tag: 'v1' })
    const ref = await Image.lookup(`${hostOf(twin)}/app:v1`)(twin.env)()
    if (E.isLeft(ref)) throw new Error(ref.left.message)
    expect(E.isRight(await Image.startScan(ref.right)(twin.env)())).toBe(true)
    const sleep = (ms: number) => {
      clock += ms
      return Promise.resolve()
    }
    twin.resetCalls()
    const done = await waitForFindings(ref.right, { intervalMs: 5_000, timeoutMs: 60_000, sleep, now: () => clock })(twin.env)()
    expect(E.isRight(done) && done.right.status).toBe('COMPLETE')
    // read at 0, 5, 10 s (in progress) and 15 s (done: the scan takes 12 s)
    expect(twin.callCount('DescribeImageScanFindings')).toBe(4)
    const other = makeTwin({ scanMs: 10 * 60_000, now: () => new Date(clock) })
    push(other, 'app', { tag: 'v1' })
    const ref2 = await Image.lookup(`${hostOf(other)}/app:v1`)(other.env)()
    if (E.isLeft(ref2)) throw new Error(ref2.left.message)
    await Image.startScan(ref2.right)(other.env)()
    const timedOut = await waitForFindings(ref2.right, { intervalMs: 5_000, timeoutMs: 20_000, sleep, now: () => clock })(other.env)()
    expect(E.isLeft(timedOut) && timedOut.left._tag === 'AwsError' && timedOut.left.code).toBe('ScanWaitTimeout')
  })
})
