import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    globalSetup: ['./python-peers.setup.ts'],
  },
});
