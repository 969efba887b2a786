/**
 * A corrupt file is never overwritten blindly: it is moved aside for
 * inspection, and the server starts a fresh document in its place.
 */
import { existsSync, readdirSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { FileAddress } from './address.js';

/** Set-aside files kept per shared file; older ones are removed. */
const KEEP = 10;

/**
 * Move a corrupt file aside for inspection, as `<name>.corrupt-<time>`,
 * keeping the last {@link KEEP}. Returns the name it was given.
 */
export function setAside(address: FileAddress): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let keptAs = `${address.name}.corrupt-${stamp}`;
  for (let n = 1; existsSync(join(address.dir, keptAs)); n++) keptAs = `${address.name}.corrupt-${stamp}-${n}`;
  renameSync(address.path, join(address.dir, keptAs));
  const prefix = `${address.name}.corrupt-`;
  const kept = readdirSync(address.dir)
    .filter((f) => f.startsWith(prefix))
    .sort();
  for (const old of kept.slice(0, Math.max(0, kept.length - KEEP))) {
    try {
      unlinkSync(join(address.dir, old));
    } catch {
      // someone else tidied it
    }
  }
  return keptAs;
}
