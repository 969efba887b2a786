/**
 * The requests FIFO, where clients open connections with one short line:
 * what else arrives there (a message written straight to it, bad openings)
 * is served or refused, and the server keeps serving.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createClient, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';
import { calculator, Calculator, freshPath, memoryLogger, type Seen } from './helpers.js';
import { until } from '../../core/test/shared/until.js';

const run = promisify(execFile);
const transports = [pipeTransport()];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(log = memoryLogger()) {
  const seen: Seen = { calls: 0, aborted: [], echoed: [] };
  const dir = freshPath('door');
  // The transport reports refused openings to its own logger, as the socket transport does.
  const s = await serve(calculator(seen), {
    listen: [`fifo://${dir}`],
    transports: [pipeTransport({ logger: log })],
    logger: log,
  });
  cleanups.push(() => s.close({ graceMs: 0 }));
  return { dir, url: `fifo://${dir}`, seen, log };
}

describe('the requests FIFO', () => {
  it('runs a notification written straight to it, as the seed writes to its pipe, and explains a call it cannot answer', async () => {
    const { dir, seen, log } = await server();
    const requests = join(dir, 'requests');
    const note = '{"jsonrpc":"2.0","method":"echo","params":{"text":"from the shell"}}';
    await run('sh', ['-c', `printf '%s\\n' '${note}' > ${requests}`]);
    const call = '{"jsonrpc":"2.0","id":1,"method":"add","params":[2,5]}';
    await run('sh', ['-c', `printf '%s\\n' '${call}' > ${requests}`]);
    await until(() => seen.echoed.length > 0 && log.warnings.length > 0, 5000, 'the echo and the warning');
    expect(seen.echoed).toEqual(['from the shell']);
    expect(log.warnings.join('\n')).toMatch(/no way to answer a message written straight to .*requests.*"result":7/);
  });

  it('ignores bad openings with a warning and keeps serving', async () => {
    const { dir, url, log } = await server();
    const requests = join(dir, 'requests');
    const opening = (id: string): string => `{"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"${id}"}}\n`;
    appendFileSync(requests, opening('../../etc/passwd'));
    appendFileSync(requests, opening('nobodyhere'));
    writeFileSync(join(dir, 'planted.res'), 'a regular file');
    symlinkSync(join(dir, 'planted.res'), join(dir, 'sneaky.res'));
    appendFileSync(requests, opening('sneaky'));
    appendFileSync(requests, `{"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"x"}${' '.repeat(5000)}}\n`);
    await until(() => log.warnings.length >= 4, 5000, 'four warnings');
    expect(log.warnings.join('\n')).toMatch(/malformed id/);
    expect(log.warnings.join('\n')).toMatch(/nobodyhere.req and nobodyhere.res must be FIFOs/);
    expect(log.warnings.join('\n')).toMatch(/sneaky.req and sneaky.res must be FIFOs/);
    expect(log.warnings.join('\n')).toMatch(/dropped a 50\d\d-byte line/);
    const calc = createClient(Calculator, await connect(url, { transports }));
    expect(await calc.add({ a: 2, b: 5 })).toBe(7);
  });
});
