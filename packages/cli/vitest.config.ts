import { defineConfig } from 'vitest/config';

// Each test runs the real CLI (a node process) several times on a shared, noisy machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } });
