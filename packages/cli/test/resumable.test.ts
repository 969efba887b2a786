/**
 * `interoffice call` on a resumable stream (OpenRPC's `x-interoffice-resumable`): the
 * connection cut mid-stream (a proxy resets it; the server stays up), the CLI resumes after
 * the last item it printed — every item once, in order, exit status 0.
 */
import { spawn } from 'node:child_process';
import { serve } from '@interoffice/core';
import { conformanceImpl, ServerState, waitFor } from '@interoffice/core/conformance';
import { socketTransport } from '@interoffice/transport-socket';
import { afterEach, describe, expect, it } from 'vitest';
import { CutProxy } from '../../core/test/shared/cut-proxy.js';
import { bin, children, killChildren } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  killChildren();
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('interoffice call on a resumable stream', () => {
  it('prints every item once, in order, across a cut connection', async () => {
    const state = new ServerState();
    const server = await serve(conformanceImpl(state), { listen: ['tcp://127.0.0.1:0'], transports: [socketTransport()] });
    cleanups.push(() => server.close({ graceMs: 0 }));
    const proxy = await CutProxy.start(Number((server.urls[0] as URL).port));
    cleanups.push(() => proxy.close());
    const child = spawn(
      process.execPath,
      [bin, 'call', `tcp://127.0.0.1:${proxy.port}`, 'ticks', '{"count": 100, "delayMs": 5}', '--timeout', '30000'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (out += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    await waitFor(() => out.split('\n').length > 20, { timeoutMs: 20_000, what: 'twenty items printed' });
    proxy.cut();
    expect(await exited, err).toBe(0);
    expect(out).toBe(`${Array.from({ length: 100 }, (_, i) => i).join('\n')}\n`);
    expect(proxy.connections).toBe(2);
    expect(state.resumedAfter).toHaveLength(2);
  });
});
