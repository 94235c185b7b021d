import { defineConfig } from 'vitest/config'

// Projects by file suffix (STYLE.md habit 18): what a test needs is in its name.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.pg.test.ts', '**/*.browser.test.ts', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pg',
          include: ['src/**/*.pg.test.ts', 'test/**/*.pg.test.ts'],
          // One database server shared by every file: run files one at a time.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          // Real Chromium (test/browser.ts); one browser at a time on a 2-core machine.
          include: ['src/**/*.browser.test.ts', 'test/**/*.browser.test.ts'],
          fileParallelism: false,
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
