import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The Redis suite's throwaway redis-server (or REDIS_URL), not whatever answers on 6379.
    globalSetup: ['../transport-redis/test/global-setup.ts'],
    hookTimeout: 60_000,
  },
});
