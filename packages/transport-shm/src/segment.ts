/**
 * The segment as a whole: a server creates it (replacing one left by a
 * crashed server, never a live server's, and sweeping other gone servers'),
 * a client opens it and checks that it is sound and served.
 */
import { fstatSync, readdirSync } from 'node:fs';
import {
  createSegment,
  isProcessRunning,
  openSegment,
  removeDeadDrafts,
  removeSegment,
  SHM_DIR,
  type Segment,
} from '@interoffice/native';
import { RpcError } from '@interoffice/core';
import { SEGMENT_PREFIX } from './address.js';
import { ownPidNs, ownStart, readHeader, samePidNs, unsound, type Header } from './header.js';
import { H, HEADER_BYTES, MAGIC, readU64, segmentBytes, ServerState, slotBytes, VERSION, writeU64 } from './layout.js';

/** Gone servers' segments younger than this are left to the next server on their name. */
const SWEEP_AFTER_MS = 10_000;

/** Options of {@link createServerSegment}. */
export interface SegmentShape {
  readonly slots: number;
  readonly ringBytes: number;
  readonly maxFrameBytes: number;
}

function create(name: string, shape: SegmentShape): Segment {
  return createSegment(name, segmentBytes(shape.slots, shape.ringBytes), (buffer) => {
    const words = new Uint32Array(buffer);
    words[H.magic >> 2] = MAGIC;
    words[H.version >> 2] = VERSION;
    words[H.serverPid >> 2] = process.pid;
    writeU64(words, H.serverStart, ownStart);
    writeU64(words, H.serverPidNs, ownPidNs);
    words[H.slotCount >> 2] = shape.slots;
    words[H.ringBytes >> 2] = shape.ringBytes;
    words[H.slotBytes >> 2] = slotBytes(shape.ringBytes);
    words[H.slotsOffset >> 2] = HEADER_BYTES;
    words[H.maxFrameBytes >> 2] = Math.min(shape.maxFrameBytes, 2 ** 32 - 1);
    words[H.state >> 2] = ServerState.ready;
  });
}

/** The first words of a segment: its header, if it is one of ours. */
function headerOf(segment: Segment): Uint32Array | undefined {
  if (segment.buffer.byteLength < HEADER_BYTES) return undefined;
  const words = new Uint32Array(segment.buffer, 0, HEADER_BYTES >> 2);
  return words[H.magic >> 2] === MAGIC ? words : undefined;
}

/** Whether the server that wrote `words` is gone (closed, or its process exited); undefined if that cannot be told from here. */
function serverGone(words: Uint32Array): boolean | undefined {
  if (!samePidNs(readU64(words, H.serverPidNs))) return undefined; // its PIDs are not ours to check
  if (words[H.state >> 2] === ServerState.closed) return true;
  return !isProcessRunning(words[H.serverPid >> 2] as number, readU64(words, H.serverStart) || undefined);
}

/**
 * Remove the segments of gone servers (this user's, published over 10 s
 * ago): a crashed server's segment under a name nobody listens on again
 * (`shm://job-1234`) does not stay in /dev/shm for ever.
 */
export function sweepGoneSegments(olderThanMs = SWEEP_AFTER_MS): void {
  let entries: string[];
  try {
    entries = readdirSync(SHM_DIR).filter((e) => e.startsWith(SEGMENT_PREFIX) && !e.includes('.new-'));
  } catch {
    return;
  }
  for (const entry of entries) {
    let segment: Segment;
    try {
      segment = openSegment(entry); // refuses other users' segments and odd names
    } catch {
      continue;
    }
    try {
      const words = headerOf(segment);
      const old = Date.now() - fstatSync(segment.fd).ctimeMs > olderThanMs;
      if (words !== undefined && old && serverGone(words) === true) removeSegment(entry, segment.ino);
    } finally {
      segment.close();
    }
  }
}

/**
 * Create the segment `name` for a server at `url`. A segment of that name
 * whose server is gone (crashed, or closed without removing it) is replaced;
 * a live server's is not, nor is a file that is not one of ours.
 */
export function createServerSegment(name: string, url: URL, shape: SegmentShape): Segment {
  removeDeadDrafts(name);
  sweepGoneSegments();
  for (let attempt = 0; ; attempt++) {
    try {
      return create(name, shape);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (attempt > 0) throw new Error(`another server is listening at ${url.href}`, { cause: e });
    }
    // Taken: by a live server (refuse), or left by a dead one (replace, once).
    let old: Segment;
    try {
      old = openSegment(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // removed meanwhile
      throw new Error(`cannot listen on ${url.href}: /dev/shm/${name} exists and cannot be used: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      const words = headerOf(old);
      if (words === undefined) {
        throw new Error(`/dev/shm/${name} exists and is not an Interoffice segment: refusing to replace it`);
      }
      const gone = serverGone(words);
      if (gone !== true) {
        const where = gone === undefined ? ', in another PID namespace' : '';
        throw new Error(`another server (pid ${words[H.serverPid >> 2]}${where}) is listening at ${url.href}`);
      }
      removeSegment(name, old.ino);
    } finally {
      old.close();
    }
  }
}

/**
 * Open the segment of a server at `url` for a client: it must be sound,
 * served (its server running) and not closed. RpcErrors: UNAVAILABLE when
 * nobody serves there, FAILED_PRECONDITION for a segment this client cannot
 * speak to, PERMISSION_DENIED for one it must not.
 */
export function openClientSegment(name: string, url: URL): { segment: Segment; header: Header } {
  let segment: Segment;
  try {
    segment = openSegment(name);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RpcError('UNAVAILABLE', `nothing listens at ${url.href} (no /dev/shm/${name})`, { cause: e });
    }
    if (code === 'EPERM' || code === 'EACCES') throw new RpcError('PERMISSION_DENIED', (e as Error).message, { cause: e });
    throw new RpcError('UNAVAILABLE', `cannot open /dev/shm/${name}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const words = new Uint32Array(segment.buffer);
    const refuse = (why: string): RpcError => new RpcError('FAILED_PRECONDITION', why);
    if (segment.buffer.byteLength < HEADER_BYTES) throw refuse(`/dev/shm/${name} is too small`);
    if (words[H.magic >> 2] !== MAGIC) throw refuse(`/dev/shm/${name} is not an Interoffice segment`);
    const header = readHeader(words);
    if (header.version !== VERSION) {
      throw refuse(`${url.href} uses layout version ${header.version}; this client speaks ${VERSION}`);
    }
    const why = unsound(header, segment.buffer.byteLength);
    if (why !== undefined) throw refuse(`/dev/shm/${name} has an unsound header (${why})`);
    if (header.state !== ServerState.ready) throw new RpcError('UNAVAILABLE', `the server at ${url.href} has closed`);
    if (!samePidNs(header.serverPidNs)) {
      throw refuse(`the server at ${url.href} runs in another PID namespace: both sides must share one`);
    }
    if (!isProcessRunning(header.serverPid, header.serverStart || undefined)) {
      throw new RpcError('UNAVAILABLE', `nothing listens at ${url.href}: its server (pid ${header.serverPid}) is gone`);
    }
    return { segment, header };
  } catch (e) {
    segment.close();
    throw e;
  }
}
