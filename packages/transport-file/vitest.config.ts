import { defineConfig } from 'vitest/config';

// These tests start real processes; on a loaded 2-core machine that takes seconds, not milliseconds.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 } });
