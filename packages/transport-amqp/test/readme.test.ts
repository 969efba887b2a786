/** The README's example, run as it is written (with a queue of this test's own). */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import { queueUrl } from './helpers.js';

const run = promisify(execFile);
const here = new URL('..', import.meta.url).pathname;
const file = `${here}readme-example-${process.pid}.mjs`;
afterEach(() => rmSync(file, { force: true }));

it('the README example prints 7', async () => {
  const readme = readFileSync(`${here}README.md`, 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  writeFileSync(file, code as string); // in the package, so that its imports resolve as a user's would
  const { stdout } = await run(process.execPath, [file], { env: { ...process.env, CALC_URL: queueUrl() }, timeout: 20_000 });
  expect(stdout).toBe('7\n');
});
