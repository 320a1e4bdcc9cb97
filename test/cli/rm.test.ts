import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as LifecyclePolicy from '../../src/LifecyclePolicy'
import { cliOver, createRepository, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts rm', () => {
  it('deletes tags and digests, grouped per repository, and prints what went', async () => {
    const twin = makeTwin()
    const a = push(twin, 'app', { tags: ['v1', 'latest'] })
    const b = push(twin, 'web', { tag: 'w1' })
    const before = twin.calls.length
    const r = await cliOver(twin)('rm', 'app:latest', `${hostOf(twin)}/web@${b.imageDigest}`, 'app:v1')
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(lines(r.stdout)).toEqual([`${hostOf(twin)}/app:latest`, `${hostOf(twin)}/app:v1`, `${hostOf(twin)}/web:w1`])
    expect(twin.calls.slice(before).filter((c) => c.operation === 'BatchDeleteImage')).toHaveLength(2)
    expect(a.imageDigest).toMatch(/^sha256:/)
  })

  it('lists failures on stderr and exits 1, still printing what was deleted; --json has both', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tags: ['v1'] })
    const r = await cliOver(twin)('rm', 'app:v1', 'app:v9')
    expect(r.code).toBe(1)
    expect(lines(r.stdout)).toEqual([`${hostOf(twin)}/app:v1`])
    expect(lines(r.stderr)).toEqual([`not deleted: ${hostOf(twin)}/app:v9: ImageNotFound (Requested image not found)`])
    const j = await cliOver(twin)('--json', 'rm', 'app:v9')
    expect(j.code).toBe(1)
    const out = JSON.parse(j.stdout) as ReadonlyArray<{ repository: { uri: string }; failures: ReadonlyArray<unknown> }>
    expect(out[0]?.repository.uri).toBe(`${hostOf(twin)}/app`)
    expect(out[0]?.failures).toEqual([{ id: { tag: 'v9' }, code: 'ImageNotFound', reason: 'Requested image not found' }])
  })

  it('a bare name or a malformed tag is a usage error before any call', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const before = twin.calls.length
    expectUsageError(await cliOver(twin)('rm', 'app'))
    expectUsageError(await cliOver(twin)('rm', 'app:v1', 'app:bad tag'))
    expectUsageError(await cliOver(twin)('rm'))
    expect(twin.calls.length).toBe(before)
  })
})

describe('ecr-fp-ts lifecycle get|put|preview', () => {
  it('put --file, get, preview; the short form still works', async () => {
    const twin = makeTwin()
    push(twin, 'app', { pushedAt: new Date(Date.now() - 30 * 86_400_000) })
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-'))
    const file = path.join(dir, 'policy.json')
    const policy = LifecyclePolicy.fromRules(LifecyclePolicy.removeUntagged({ days: 7 }))
    fs.writeFileSync(file, LifecyclePolicy.toJson(policy))
    const cli = cliOver(twin)
    expect(await cli('lifecycle', 'get', 'app')).toMatchObject({ code: 0, stdout: '' })
    expect(JSON.parse((await cli('--json', 'lifecycle', 'get', 'app')).stdout)).toBeNull()
    expect(await cli('lifecycle', 'put', 'app', '--file', file)).toMatchObject({ code: 0, stdout: `${LifecyclePolicy.toJson(policy)}\n` })
    expect((await cli('lifecycle', 'get', 'app')).stdout).toBe(`${LifecyclePolicy.toJson(policy)}\n`)
    const preview = await cli('lifecycle', 'preview', 'app')
    expect(preview.code).toBe(0)
    expect(lines(preview.stdout)).toHaveLength(1)
    expect(preview.stdout).toMatch(/^rule 1 {2}expire {2}\S+@sha256:[0-9a-f]{64} {2}- {2}/)
    const j = JSON.parse((await cli('--json', 'lifecycle', 'preview', 'app', '--expire-untagged-after', '60')).stdout) as ReadonlyArray<unknown>
    expect(j).toEqual([])
    expect((await cli('lifecycle', 'app', '--expire-untagged-after', '3')).code).toBe(0)
    expect((await cli('lifecycle', 'get', 'app')).stdout).toContain('"countNumber":3')
  })

  it('usage errors exit 2 before any call; a bad policy file is a DecodeError (exit 1)', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const cli = cliOver(twin)
    const before = twin.calls.length
    expectUsageError(await cli('lifecycle', 'put', 'app'))
    expectUsageError(await cli('lifecycle', 'put', 'app', '--file', 'x', '--expire-untagged-after', '3'))
    expectUsageError(await cli('lifecycle', 'app'))
    expectUsageError(await cli('lifecycle', 'preview', 'app', '--expire-untagged-after', '0'))
    expect(twin.calls.length).toBe(before)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-'))
    const file = path.join(dir, 'bad.json')
    fs.writeFileSync(file, '{"rules":[{"rulePriority":1}]}')
    const r = await cli('lifecycle', 'put', 'app', '--file', file)
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/rules\/0/)
  })
})

describe('ecr-fp-ts create settings', () => {
  it('--tag-mutability with --exclude-tag-pattern, --kms-key, --scan-on-push; an existing repository warns', async () => {
    const twin = makeTwin()
    const cli = cliOver(twin)
    const r = await cli('create', 'app', '--tag-mutability', 'immutable', '--exclude-tag-pattern', 'latest', 'sha256-*', '--kms-key', 'alias/ecr', '--scan-on-push')
    expect(r).toMatchObject({ code: 0, stderr: '' })
    const again = await cli('create', 'app', '--tag-mutability', 'MUTABLE')
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(`${hostOf(twin)}/app\n`)
    expect(lines(again.stderr)).toEqual(['warning: app exists and keeps its settings: tag mutability: asked MUTABLE, has IMMUTABLE except latest,sha256-*'])
    expectUsageError(await cli('create', 'app2', '--exclude-tag-pattern', 'a/b'))
    expectUsageError(await cli('create', 'app2', '--tag-mutability', 'sometimes'))
    expectUsageError(await cli('create', 'app2', '--immutable', '--tag-mutability', 'MUTABLE'))
  })
})
