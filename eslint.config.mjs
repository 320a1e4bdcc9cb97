import tseslint from 'typescript-eslint'

const noThrow = { selector: 'ThrowStatement', message: 'library code returns Either/RTE; it never throws' }
// a class only to extend a third-party base class (e.g. undici's Dispatcher) is an adapter, not a model
const noClass = {
  selector: 'ClassDeclaration[superClass=null], ClassExpression[superClass=null]',
  message: 'model data as readonly interfaces, not classes'
}
const noThis = { selector: 'ThisExpression', message: 'no `this`: operations are functions of plain records' }

export default tseslint.config(
  { ignores: ['dist/**', 'docs/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-restricted-syntax': ['error', noThrow],
      'no-console': 'error'
    }
  },
  {
    // library code: fp-ts/io-ts by subpath (tree-shakeable), extensionless relative imports
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-syntax': ['error', noThrow, noClass, noThis],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['fp-ts/lib/*', 'fp-ts/es6/*', 'io-ts/lib/*', 'io-ts/es6/*'], message: "import fp-ts/io-ts by subpath: 'fp-ts/Either'" },
            { regex: '^\\.{1,2}/.*\\.(js|ts|mjs|cjs)$', message: 'relative imports carry no file extension' },
            { group: ['ecr-fp-ts', 'ecr-fp-ts/*'], message: 'inside the library, import by relative path' }
          ]
        }
      ]
    }
  },
  {
    // undici (~0.5 MB bundled) only where blobs stream; everything else uses the env's fetch
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/testing/**', 'src/internal/registryStream.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'undici',
              message: 'only src/internal/registryStream.ts loads undici at run time (bundle size); use `import type`',
              allowTypeImports: true
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/cli/**', 'test/**', 'bench/**', 'scripts/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off', 'no-console': 'off' }
  }
)
