// A peer in another language joins a trace: a Python client (standard library only) sends
// `traceparent` in `meta` over a unix socket, as docs/protocol.md says.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { implement, serve } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { telemetry } from '../src/index.js';
import { Hops, recorder } from './helpers.js';

const python = '/usr/bin/python3'; // Debian's, not the one first on PATH
const dir = mkdtempSync(join(tmpdir(), 'io-otel-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const client = `
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
meta = {"traceparent": sys.argv[2]}
s.sendall((json.dumps({"jsonrpc": "2.0", "id": 1, "method": "test.Hops.back", "params": {}, "meta": meta}) + "\\n").encode())
print(s.makefile().readline().strip())
`;

describe('a Python peer', () => {
  it('joins the trace with a traceparent in meta', async () => {
    const rec = recorder();
    const path = join(dir, 'hops.sock');
    const server = await serve(
      implement(Hops, {
        front: () => ({ traceparent: '' }),
        back: (_, ctx) => ({ traceparent: ctx.meta.traceparent ?? '' }),
        count: () => [],
      }),
      {
        listen: [`unix://${path}`],
        transports: [socketTransport()],
        middleware: [telemetry({ tracerProvider: rec.tracerProvider })],
      },
    );
    try {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      const { stdout } = await promisify(execFile)(python, ['-c', client, path, `00-${traceId}-${parent}-01`]);
      expect(JSON.parse(stdout)).toMatchObject({ id: 1, result: { traceparent: `00-${traceId}-${parent}-01` } });
      const [span] = rec.spans();
      expect(span?.kind).toBe(SpanKind.SERVER);
      expect(span?.spanContext().traceId).toBe(traceId);
      expect(span?.parentSpanContext).toMatchObject({ spanId: parent, isRemote: true });
    } finally {
      await server.close({ graceMs: 0 });
    }
  });
});
