/**
 * The PID folder, the seed's scheme: each client registers by creating a
 * file named after its PID, holding its start time (ticks since boot, as in
 * /proc/<pid>/stat; an empty file is accepted from seed-style clients). The
 * folder is the service's, 0700.
 *
 * Before a PID is signalled its process is checked: it must exist, belong
 * to this user (real and effective uid), and be the process that wrote the
 * file (same start time; for an empty file, started before the file was
 * written). A PID that fails is not signalled and its file is pruned: it
 * belongs to a process that died, or to whoever got its number next.
 */
import { lstat, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@interoffice/core';
import { ownUid } from '../private-dir.js';
import { bootTimeMs, processInfo, TICKS_PER_SECOND } from './proc.js';

/** What one round of signalling did. */
export interface SignalReport {
  /** PIDs that were sent the signal. */
  readonly signalled: number[];
  /** PIDs whose files were removed, with why. */
  readonly pruned: { pid: number; reason: string }[];
}

/** A registration's file name: a PID. */
export const PID_FILE = /^[1-9][0-9]{0,9}$/;
/** btime has whole seconds; allow for that when comparing a start time with a file's mtime. */
const SLACK_MS = 1500;

type Verdict = { ok: true } | { ok: false; prune: boolean; reason: string };

/** Whether `pid`, registered by the file at `path`, may be signalled. */
async function verdict(pid: number, path: string): Promise<Verdict> {
  const file = await lstat(path).catch(() => undefined);
  if (file === undefined) return { ok: false, prune: false, reason: 'unregistered' };
  const uid = ownUid();
  if (!file.isFile() || file.uid !== uid) return { ok: false, prune: false, reason: 'not a regular file of this user' };
  const info = await processInfo(pid);
  if (info === undefined) return { ok: false, prune: true, reason: 'not running' };
  if (info.uid !== uid || info.euid !== uid) {
    return { ok: false, prune: true, reason: `owned by uid ${info.uid} (euid ${info.euid}), not by this user` };
  }
  const written = (await readFile(path, 'utf8').catch(() => '')).trim();
  if (written !== '') {
    return Number(written) === info.start
      ? { ok: true }
      : { ok: false, prune: true, reason: 'PID reused: another process started since' };
  }
  const startedMs = (await bootTimeMs()) + (info.start * 1000) / TICKS_PER_SECOND;
  return startedMs > file.mtimeMs + SLACK_MS
    ? { ok: false, prune: true, reason: 'PID reused: the process started after its file was written' }
    : { ok: true };
}

/** Signal one registered PID after the checks, or prune its file; adds to `report`. */
export async function signalOne(
  dir: string,
  pid: number,
  signal: NodeJS.Signals,
  report: SignalReport,
  logger: Logger,
): Promise<void> {
  const path = join(dir, String(pid));
  let v = await verdict(pid, path);
  if (v.ok) {
    try {
      process.kill(pid, signal);
      report.signalled.push(pid);
      return;
    } catch (e) {
      const gone = (e as NodeJS.ErrnoException).code === 'ESRCH';
      v = { ok: false, prune: true, reason: gone ? 'not running' : `cannot signal: ${(e as Error).message}` };
    }
  }
  if (v.reason === 'unregistered') return;
  if (!v.prune) return logger.warn(`presence: ignored ${path}: ${v.reason}`);
  report.pruned.push({ pid, reason: v.reason });
  await unlink(path).catch(() => {});
  if (v.reason !== 'not running') logger.warn(`presence: pruned PID ${pid} from ${dir}: ${v.reason}`);
}

/** The PIDs registered in `dir`. */
export async function registered(dir: string): Promise<number[]> {
  return (await readdir(dir)).filter((name) => PID_FILE.test(name)).map(Number);
}

/**
 * Send `signal` to every PID registered in `dir` that passes the checks, and
 * prune the rest: the seed's "signal every PID file", done safely.
 */
export async function signalRegistered(dir: string, signal: NodeJS.Signals, logger: Logger): Promise<SignalReport> {
  const report: SignalReport = { signalled: [], pruned: [] };
  for (const pid of await registered(dir)) await signalOne(dir, pid, signal, report, logger);
  return report;
}
