import { describe, expect, it } from 'vitest'
import { cliOver, createRepository, expectFailure, hostOf, lines, makeTwin, push } from './harness'

describe('ecr-fp-ts delete', () => {
  it('deletes an empty repository and prints its URI', async () => {
    const twin = makeTwin()
    createRepository(twin, 'app')
    const cli = cliOver(twin)
    const r = await cli('delete', 'app')
    expect(r).toMatchObject({ code: 0, stdout: `${hostOf(twin)}/app\n`, stderr: '' })
    expect(lines((await cli('repos')).stdout)).toEqual([])
  })

  it('a repository with images: exit 1 without --force, deleted with it', async () => {
    const twin = makeTwin()
    push(twin, 'app', { tag: 'v1' })
    const cli = cliOver(twin)
    expect(expectFailure(await cli('delete', 'app'))).toMatch(/app/)
    expect(twin.tagsOf('app').get('v1')).toBeDefined()
    const forced = await cli('--json', 'delete', `${hostOf(twin)}/app`, '--force')
    expect(forced.code).toBe(0)
    expect(JSON.parse(forced.stdout)).toMatchObject({ repositoryName: 'app', uri: `${hostOf(twin)}/app` })
    expect(lines((await cli('repos')).stdout)).toEqual([])
  })

  it('a missing repository: exit 1 with one line naming it', async () => {
    const twin = makeTwin()
    expect(expectFailure(await cliOver(twin)('delete', 'nope'))).toMatch(/nope/)
  })
})
