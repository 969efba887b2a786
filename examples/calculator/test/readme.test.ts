/** The README's example is this package's src/quickstart.ts, verbatim, and it runs. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('../src/quickstart.ts', import.meta.url), 'utf8');

describe('README', () => {
  it('shows src/quickstart.ts as it is', () => {
    expect(readme).toContain(`\`\`\`ts\n${source}\`\`\``);
  });

  it('opens with the two commands', () => {
    const commands = [...readme.matchAll(/^```sh\n(.+)\n```$/gm)].slice(0, 2).map((m) => m[1]);
    expect(commands).toEqual([
      'npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 demo',
      'npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 test',
    ]);
    expect(readFileSync(new URL('../../../.ci/run', import.meta.url), 'utf8')).toContain(commands[1]);
  });

  it('runs and prints what its comments say', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../dist/quickstart.js', import.meta.url).pathname]);
    expect(stdout).toBe('7\nINVALID_ARGUMENT division by zero\n');
  });
});
