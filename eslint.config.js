// @ts-check
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'
import vitest from '@vitest/eslint-plugin'

/** Module boundaries from STYLE.md: each entry forbids `target` from importing `from`. */
const boundary = (target, allowed) => {
  const all = [
    'protocol',
    'formula',
    'shared',
    'airtable',
    'emulator',
    'store',
    'ingest',
    'outbox',
    'policy',
    'api',
    'server',
    'client',
    'web',
    'cli',
  ]
  return all
    .filter((m) => m !== target && !allowed.includes(m))
    .map((m) => ({ target: `./src/${target}`, from: `./src/${m}` }))
}

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.airsync', 'test-results', 'bin', 'eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'max-params': ['error', 3],
      'no-console': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...boundary('protocol', []),
            ...boundary('formula', ['shared']),
            ...boundary('shared', []),
            ...boundary('airtable', ['protocol', 'shared']),
            ...boundary('emulator', ['formula', 'protocol', 'shared']),
            ...boundary('store', ['formula', 'protocol', 'shared']),
            ...boundary('ingest', ['airtable', 'store', 'protocol', 'shared', 'formula']),
            ...boundary('outbox', ['airtable', 'store', 'protocol', 'shared', 'formula']),
            ...boundary('policy', ['formula', 'protocol', 'shared']),
            ...boundary('api', [
              'store',
              'outbox',
              'policy',
              'protocol',
              'shared',
              'formula',
              'ingest',
            ]),
            ...boundary('client', ['protocol', 'formula', 'shared']),
            ...boundary('web', ['client', 'protocol', 'formula', 'shared']),
          ],
        },
      ],
    },
  },
  { files: ['src/cli/**', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  {
    files: ['**/*.test.ts'],
    plugins: { vitest },
    rules: {
      'vitest/no-focused-tests': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
)
