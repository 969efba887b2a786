import { defineConfig } from 'vitest/config';

// Real servers, processes and Python peers on a shared, noisy machine: generous time per test.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } });
