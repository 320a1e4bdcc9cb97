import { defineConfig } from 'vitest/config'
import * as path from 'node:path'

export default defineConfig({
  resolve: {
    alias: [{ find: /^ecr-fp-ts(\/.*)?$/, replacement: path.resolve(__dirname, 'src') + '$1' }]
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks'
  }
})
