import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    globalSetup: ['./python-peers.setup.ts'],
    coverage: {
      provider: 'v8',
      // What the tests run in their own process; child processes (servers, workers) run the built code.
      include: ['packages/*/src/**/*.ts'],
      exclude: ['**/gen/**'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
      reportsDirectory: 'coverage',
    },
  },
});
