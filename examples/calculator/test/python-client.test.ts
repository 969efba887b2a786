import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { serve } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';
import { describe, expect, it } from 'vitest';
import { calculatorHandlers } from '../src/handlers.js';

const run = promisify(execFile);
const script = new URL('../../python/socket_client.py', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'io-py-'));

// Debian's interpreter, not whatever python3 is first on PATH (the examples need only its standard library).
const python = '/usr/bin/python3';

describe('examples/python/socket_client.py (standard library only)', () => {
  for (const key of [undefined, 'Do not let eve find us!']) {
    it(`calls add and multiply and sees the domain error${key ? ', with a shared key' : ''}`, async () => {
      const path = join(dir, key ? 'keyed.sock' : 'plain.sock');
      const server = await serve(calculatorHandlers(), {
        listen: [`unix://${path}`],
        transports: [socketTransport(key ? { authKey: key } : {})],
      });
      try {
        const { stdout } = await run(python, [script, path, ...(key ? [key] : [])]);
        expect(stdout.split('\n')).toEqual([
          'add(2, 5) = 7',
          'multiply(8, 5) = 40',
          'divide(1, 0) failed: INVALID_ARGUMENT AliceBroke: division by zero',
          '',
        ]);
      } finally {
        await server.close();
      }
    });
  }

  it('is refused with a wrong key', async () => {
    const path = join(dir, 'refuse.sock');
    const server = await serve(calculatorHandlers(), {
      listen: [`unix://${path}`],
      transports: [socketTransport({ authKey: 'right', logger: { warn: () => {}, error: () => {} } })],
    });
    try {
      await expect(run(python, [script, path, 'wrong'])).rejects.toMatchObject({
        stderr: expect.stringMatching(/PermissionError: authentication failed/),
      });
    } finally {
      await server.close();
    }
  });
});
