import { defineConfig } from 'vitest/config';

// Real processes (Node and Python peers, kill -9) on a shared, often busy machine: generous time.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 } });
