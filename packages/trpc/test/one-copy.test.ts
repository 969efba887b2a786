/**
 * Two copies of @trpc/* (the application's and ours) make tRPC results
 * silently wrong; the link and implementRouter say so at once. Real
 * applications in their own folders, each with its own node_modules.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const here = new URL('../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'io-trpc-copies-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The folder of our own copy of `name`. */
const ours = (name: string): string => realpathSync(dirname(dirname(createRequire(here).resolve(name))));

const main = `
import { initTRPC } from '@trpc/server';
import { implementRouter, interofficeLink } from '@interoffice/trpc';
const t = initTRPC.create();
for (const use of [() => implementRouter(t.router({ hi: t.procedure.query(() => 'hi') })), () => interofficeLink({ channel: {} })]) {
  try { use(); console.log('ok'); } catch (e) { console.log(e.message); }
}
`;

/** An application whose @trpc packages are `copy` (copied) or ours (linked). */
function app(name: string, copy: boolean): string {
  const dir = join(work, name);
  mkdirSync(join(dir, 'node_modules', '@trpc'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@interoffice'), { recursive: true });
  for (const pkg of ['@trpc/server', '@trpc/client']) {
    const to = join(dir, 'node_modules', pkg);
    if (copy) cpSync(ours(pkg), to, { recursive: true, dereference: true });
    else symlinkSync(ours(pkg), to);
  }
  symlinkSync(realpathSync(here), join(dir, 'node_modules', '@interoffice', 'trpc'));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  writeFileSync(join(dir, 'main.js'), main);
  return dir;
}

it('refuses, naming both copies, when the application has its own @trpc/server and @trpc/client', async () => {
  const dir = app('two', true);
  const { stdout } = await run(process.execPath, [join(dir, 'main.js')], { cwd: dir });
  const [server, link] = stdout.trim().split('\n');
  expect(server).toBe(
    `two copies of @trpc/server: the application's (${realpathSync(join(dir, 'node_modules/@trpc/server'))}) and @interoffice/trpc's (${ours('@trpc/server')}). tRPC compares its errors and tracked events by identity, so with two copies they would come out wrong. Install one: make @trpc/server a dependency of the application in a version @interoffice/trpc accepts (it is a peer dependency), then npm dedupe (npm ls @trpc/server shows the copies)`,
  );
  expect(link).toMatch(/^two copies of @trpc\/client: the application's \(/);
});

it('works when the application shares our copies', async () => {
  const dir = app('one', false);
  const { stdout } = await run(process.execPath, [join(dir, 'main.js')], { cwd: dir });
  expect(stdout).toBe('ok\nok\n');
});
