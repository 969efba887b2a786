/**
 * docs/guides/in-your-project.md, as a user outside this workspace follows it:
 * the packages packed as they would be published, installed with npm into a
 * project of its own (docs/guides/in-your-project/), built with its own
 * TypeScript, and run.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = new URL('../../../', import.meta.url).pathname;
const project = join(repo, 'docs/guides/in-your-project');
const work = mkdtempSync(join(tmpdir(), 'io-outside-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it('shows the project as it is: package.json, tsconfig.json and src/app.ts, verbatim', () => {
  const guide = readFileSync(join(repo, 'docs/guides/in-your-project.md'), 'utf8');
  for (const file of ['package.json', 'tsconfig.json', 'src/app.ts'])
    expect(guide).toContain(readFileSync(join(project, file), 'utf8'));
});

it('installs from packed tarballs into a project of its own, builds with its TypeScript, and runs', async () => {
  // pnpm pack writes each workspace:* dependency as the version it stands for, as publishing does.
  const tarballs: Record<string, string> = {};
  for (const pkg of ['core', 'transport-socket']) {
    const { stdout } = await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', work], {
      cwd: join(repo, 'packages', pkg),
    });
    tarballs[`@interoffice/${pkg}`] = `file:${stdout.trim().split('\n').at(-1)}`;
  }
  const app = join(work, 'my-calculator');
  cpSync(project, app, { recursive: true, filter: (src) => !/node_modules|dist/.test(src) });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  // Until the packages are on the registry, the guide's ^0.1.0 points at the tarballs.
  for (const [name, file] of Object.entries(tarballs)) {
    expect(manifest.dependencies[name]).toBe('^0.1.0');
    manifest.dependencies[name] = file;
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app });
  await run('npm', ['run', 'build'], { cwd: app });
  const { stdout } = await run('npm', ['start', '--silent'], { cwd: app, timeout: 20_000 });
  expect(stdout.split('\n')).toEqual(['7', 'OUT_OF_RANGE the result passes 100 100', '']);
}, 180_000);
