/** docs/guides/python.md names every Python peer, and every test file it points to exists and runs the peer. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const repo = new URL('../../../', import.meta.url).pathname;
const guide = readFileSync(join(repo, 'docs/guides/python.md'), 'utf8');

it('names every script in examples/python, and each row points at a test that runs its scripts', () => {
  for (const script of readdirSync(join(repo, 'examples/python')).filter((f) => f.endsWith('.py'))) {
    expect(guide, script).toContain(`\`${script}\``);
  }
  const rows = guide.split('\n').filter((l) => /^\| .*\| `(packages|examples)\/[^`]+\.test\.ts`/.test(l));
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows) {
    const test = /`((?:packages|examples)\/[^`]+\.test\.ts)`/.exec(row)?.[1] as string;
    expect(existsSync(join(repo, test)), test).toBe(true);
    const scripts = [...row.matchAll(/`([a-z_]+\.py)`/g)].map((m) => m[1] as string).filter((s) => s !== 'nats_wire.py');
    const helpers = join(repo, test.replace(/[^/]+$/, 'helpers.ts'));
    const source = readFileSync(join(repo, test), 'utf8') + (existsSync(helpers) ? readFileSync(helpers, 'utf8') : '');
    for (const s of scripts) expect(source, `${test} runs ${s}`).toContain(s);
  }
});
