import { describe, expect, it } from 'vitest'
import { cliOver, expectFailure, hostOf, makeTwin, push } from './harness'

describe('ecr-fp-ts login', () => {
  it('prints the password and nothing else, for docker login --password-stdin', async () => {
    const twin = makeTwin({ password: 's3cret-Pa55' })
    const r = await cliOver(twin)('login')
    expect(r).toMatchObject({ code: 0, stdout: 's3cret-Pa55\n', stderr: '' })
    expect(twin.calls.map((c) => c.operation)).toEqual(['GetAuthorizationToken'])
  })

  it('a registry URI: a login for that registry, in its region', async () => {
    const east = makeTwin({ password: 'east' })
    const west = makeTwin({ region: 'us-west-2', password: 'west' })
    const r = await cliOver(east, west)('--json', 'login', hostOf(west))
    expect(r.code).toBe(0)
    expect(r.envRequests.map((o) => o.region)).toEqual(['us-west-2'])
    expect(JSON.parse(r.stdout)).toMatchObject({ registry: hostOf(west), username: 'AWS', password: 'west', proxyEndpoint: west.proxyEndpoint })
    expect(east.calls).toEqual([])
  })

  it("another account's registry: the same token, that registry's endpoint", async () => {
    const twin = makeTwin()
    const other = '210987654321'
    const r = await cliOver(twin)('--json', 'login', `${other}.dkr.ecr.${twin.region}.amazonaws.com`)
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ proxyEndpoint: `https://${other}.dkr.ecr.${twin.region}.amazonaws.com` })
  })

  it('not a registry URI: exit 1, no environment built', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    const r = await cliOver(twin)('login', `${hostOf(twin)}/app`)
    expect(expectFailure(r)).toMatch(/RegistryUri/)
    expect(r.envRequests).toEqual([])
    expect(twin.calls).toEqual([])
  })

  it('the login fails: exit 1, nothing on stdout', async () => {
    const twin = makeTwin()
    twin.setFault((call) => (call.kind === 'ecr' ? 'missing-fields' : undefined))
    expect(expectFailure(await cliOver(twin)('login'))).toMatch(/GetAuthorizationToken/)
    expect(expectFailure(await cliOver()('login'))).toMatch(/no twin/)
  })
})

describe('ecr-fp-ts digest', () => {
  it('a tag, a digest, a bare name (its latest tagged image): the digest alone', async () => {
    const twin = makeTwin()
    const v1 = push(twin, 'app', { tag: 'v1', pushedAt: new Date('2024-01-01T00:00:00Z') })
    const v2 = push(twin, 'app', { tag: 'v2', pushedAt: new Date('2024-01-02T00:00:00Z') })
    const cli = cliOver(twin)
    expect((await cli('digest', 'app:v1')).stdout).toBe(`${v1.imageDigest}\n`)
    expect((await cli('digest', `${hostOf(twin)}/app:v2`)).stdout).toBe(`${v2.imageDigest}\n`)
    expect((await cli('digest', `app@${v1.imageDigest}`)).stdout).toBe(`${v1.imageDigest}\n`)
    expect((await cli('digest', 'app')).stdout).toBe(`${v2.imageDigest}\n`)
    for (const ref of ['app:v1', `app@${v1.imageDigest}`]) {
      twin.resetCalls()
      expect((await cli('digest', ref)).code).toBe(0)
      expect(twin.calls.map((c) => c.operation)).toEqual(['BatchGetImage'])
    }
  })

  it('a tag or digest that is not there: exit 1', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    expect(expectFailure(await cliOver(twin)('digest', 'app:v9'))).toMatch(/v9/)
    expect(expectFailure(await cliOver(twin)('digest', `app@sha256:${'0'.repeat(64)}`))).toMatch(/sha256:0{12}/)
  })
})

describe('ecr-fp-ts version', () => {
  it('--version, -V and version print the version of package.json', async () => {
    const { version } = (await import('../../package.json')) as { version: string }
    for (const argv of [['--version'], ['-V'], ['version']]) {
      const r = await cliOver()(...argv)
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, ''])
    }
  })
})
