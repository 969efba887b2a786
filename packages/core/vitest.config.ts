import { defineConfig } from 'vitest/config';

// Some tests start real processes; on a loaded 2-core machine that takes seconds.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 } });
