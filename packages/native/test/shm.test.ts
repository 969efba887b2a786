import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSegmentName, createSegment, openSegment, removeSegment, removeDeadDrafts, SHM_DIR } from '../src/index.js';

const names: string[] = [];
let n = 0;
const fresh = (): string => {
  const name = `io-native-test-${process.pid}-${n++}`;
  names.push(name);
  return name;
};
afterEach(() => {
  for (const name of names.splice(0)) removeSegment(name);
});

describe('shared memory segments', () => {
  it('are created 0600, filled in before they appear, and shared between mappings', () => {
    const name = fresh();
    const seg = createSegment(name, 8192, (buffer) => {
      expect(existsSync(`${SHM_DIR}/${name}`)).toBe(false); // not published before init returns
      new Uint32Array(buffer)[0] = 0xfeedbeef;
    });
    expect(statSync(seg.path).mode & 0o777).toBe(0o600);
    const other = openSegment(name);
    expect(other.buffer.byteLength).toBe(8192);
    expect(new Uint32Array(other.buffer)[0]).toBe(0xfeedbeef);
    Atomics.add(new Uint32Array(seg.buffer), 1, 5);
    expect(Atomics.load(new Uint32Array(other.buffer), 1)).toBe(5);
    other.close();
    seg.close();
  });

  it('are shared with another process', () => {
    const name = fresh();
    const seg = createSegment(name, 4096, () => {});
    const code = `import('${new URL('../dist/index.js', import.meta.url).href}').then(({ openSegment }) => {
      const s = openSegment(process.argv[1]); Atomics.store(new Uint32Array(s.buffer), 3, 42); s.close();
    })`;
    const child = spawnSync(process.execPath, ['-e', code, name], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(Atomics.load(new Uint32Array(seg.buffer), 3)).toBe(42);
    seg.close();
  });

  it('refuse a name that is taken, leaving the existing one alone', () => {
    const name = fresh();
    const first = createSegment(name, 4096, (b) => void (new Uint32Array(b)[0] = 1));
    expect(() => createSegment(name, 4096, (b) => void (new Uint32Array(b)[0] = 2))).toThrow(
      expect.objectContaining({ code: 'EEXIST' }),
    );
    const seen = openSegment(name);
    expect(new Uint32Array(seen.buffer)[0]).toBe(1);
    seen.close();
    first.close();
    // and no draft is left behind
    expect(spawnSync('ls', [SHM_DIR], { encoding: 'utf8' }).stdout).not.toContain(`${name}.new-`);
  });

  it('unmap on close: views become empty instead of pointing at unmapped memory', () => {
    const seg = createSegment(fresh(), 4096, () => {});
    const words = new Uint32Array(seg.buffer);
    seg.close();
    expect(seg.buffer.byteLength).toBe(0);
    expect(words.length).toBe(0);
    expect(() => Atomics.load(words, 0)).toThrow();
    seg.close(); // twice is fine
  });

  it('take only plain names: nothing can point outside /dev/shm', () => {
    for (const bad of ['', '.', '..', '../etc/passwd', 'a/b', '/abs', '-x', '.hidden', 'x'.repeat(201), 'sp ace', 'nul\0']) {
      expect(() => checkSegmentName(bad)).toThrow(/invalid shared memory name/);
      expect(() => openSegment(bad)).toThrow(/invalid shared memory name/);
      expect(() => createSegment(bad, 4096, () => {})).toThrow(/invalid shared memory name/);
    }
    expect(() => checkSegmentName('interoffice-calc_v1.2')).not.toThrow();
  });

  it('refuse to open a segment others may read', () => {
    const name = fresh();
    writeFileSync(`${SHM_DIR}/${name}`, Buffer.alloc(4096));
    chmodSync(`${SHM_DIR}/${name}`, 0o644);
    expect(() => openSegment(name)).toThrow(expect.objectContaining({ code: 'EPERM' }));
  });

  it('remove a segment only while it is still the same file', () => {
    const name = fresh();
    const old = createSegment(name, 4096, () => {});
    const ino = old.ino;
    old.close();
    expect(removeSegment(name)).toBe(true);
    const again = createSegment(name, 4096, () => {});
    expect(removeSegment(name, ino)).toBe(ino === again.ino); // a newer file of that name stays
    again.close();
  });

  it('sweep drafts whose creator died', () => {
    const name = fresh();
    const child = spawnSync('true');
    const dead = `${SHM_DIR}/${name}.new-${child.pid}-abcd`;
    const alive = `${SHM_DIR}/${name}.new-${process.pid}-abcd`;
    writeFileSync(dead, '');
    writeFileSync(alive, '');
    removeDeadDrafts(name);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(alive)).toBe(true);
    removeSegment(`${name}.new-${process.pid}-abcd`);
  });
});
