/** The README's example runs as written (on a fresh subject), and prints what its comment says. */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { subjectUrl } from './helpers.js';

it('the README example serves and calls add over NATS', async () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain('natsTransport()');
  // The example is JavaScript as well as TypeScript, so node runs it as it is; inside the
  // package, so `@interoffice/transport-nats` resolves to this package's build.
  const file = new URL(`./.readme-${process.pid}.mjs`, import.meta.url).pathname;
  writeFileSync(file, (code as string).replace("'nats://127.0.0.1:4222/calc'", JSON.stringify(subjectUrl())));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 20_000 });
    expect(stdout).toBe('5\n');
  } finally {
    rmSync(file, { force: true });
  }
});
