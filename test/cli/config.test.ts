import { describe, expect, it } from 'vitest'
import { configLines } from '../../src/cli/commands/config'
import type { ImageConfig } from '../../src/Image'
import { cliOver, expectFailure, expectUsageError, hostOf, lines, makeTwin, push } from './harness'

const seeded = () => {
  const twin = makeTwin()
  push(twin, 'app', { tag: 'v1', labels: { team: 'infra', 'org.opencontainers.image.version': '1.0' }, env: ['PATH=/bin', 'MODE=prod'] })
  push(twin, 'multi', {
    tag: 'v2',
    platforms: [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' }
    ],
    labels: { team: 'web' }
  })
  return twin
}

describe('ecr-fp-ts config', () => {
  it('text: platform, labels (sorted) and env, one indented line each', async () => {
    const twin = seeded()
    const r = await cliOver(twin)('config', `${hostOf(twin)}/app:v1`)
    expect(r.code).toBe(0)
    expect(lines(r.stdout)).toEqual([
      'platform: linux/amd64',
      'labels:',
      '  org.opencontainers.image.version=1.0',
      '  team=infra',
      'env:',
      '  PATH=/bin',
      '  MODE=prod'
    ])
  })

  it('--platform picks a platform of an index (default linux/amd64); --json gives the whole config', async () => {
    const twin = seeded()
    const cli = cliOver(twin)
    expect(lines((await cli('config', 'multi:v2')).stdout)[0]).toBe('platform: linux/amd64')
    const arm = await cli('config', 'multi:v2', '--platform', 'linux/arm64/v8', '--json')
    expect(arm.code).toBe(0)
    const json = JSON.parse(arm.stdout) as {
      os: string
      architecture: string
      variant?: string
      config?: { Labels?: unknown }
      rootfs: unknown
    }
    expect([json.os, json.architecture, json.variant, json.config?.Labels]).toEqual(['linux', 'arm64', 'v8', { team: 'web' }])
    expect(json.rootfs).toBeDefined()
  })

  it('reads the blob through the registry API with one login', async () => {
    const twin = seeded()
    twin.resetCalls()
    expect((await cliOver(twin)('config', 'app:v1')).code).toBe(0)
    expect(twin.callCount('GetAuthorizationToken')).toBe(1)
    expect(twin.httpCallCount('GET', /\/v2\/app\/blobs\/sha256:/)).toBe(1)
  })

  it('exit 1: a missing image, a platform the index lacks; exit 2: a malformed platform', async () => {
    const twin = seeded()
    const cli = cliOver(twin)
    expect(expectFailure(await cli('config', 'app:v9'))).toMatch(/v9/)
    expect(expectFailure(await cli('config', 'multi:v2', '--platform', 'windows/amd64'))).toMatch(/windows\/amd64/)
    expect(expectUsageError(await cli('config', 'multi:v2', '--platform', 'arm64'))).toMatch(/not a platform/)
  })

  it('configLines: (none) for missing labels and env', () => {
    const config = { os: 'linux', architecture: 'arm', variant: 'v7', rootfs: { type: 'layers', diff_ids: [] } } as ImageConfig
    expect(configLines(config)).toEqual(['platform: linux/arm/v7', 'labels: (none)', 'env: (none)'])
    expect(configLines({ ...config, config: { Labels: null, Env: null } } as ImageConfig)).toEqual([
      'platform: linux/arm/v7',
      'labels: (none)',
      'env: (none)'
    ])
  })
})
