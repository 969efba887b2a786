/** The file transport's options and their defaults (docs/transports/file.md explains each). */
import { resolveTransportOptions, type ResolvedTransportOptions, type TransportOptions } from '@interoffice/core';

/** Options of {@link fileTransport} (and every transport's `maxFrameBytes` — one entry, or one answer — and `logger`). */
export interface FileTransportOptions extends TransportOptions {
  /**
   * Wake on change events (inotify through `fs.watch` on the folder). Set
   * false where they do not arrive — a network filesystem written from other
   * hosts — and lower `pollMs` instead.
   */
  watch?: boolean;
  /** Milliseconds between polls of the file: the fallback when events are missed or off (100). */
  pollMs?: number;
  /**
   * How the file is written: `'rename'` (default) writes a temporary file and
   * renames it over the old one, so no reader ever sees half a document;
   * `'in-place'` overwrites the file and truncates it, for programs that keep
   * the file open across lock cycles (a rename leaves them reading the old file).
   */
  write?: 'rename' | 'in-place';
  /**
   * Milliseconds a server keeps an answer nobody removed (callers in the
   * seed's style never remove theirs): 60,000.
   */
  answeredTtlMs?: number;
  /** Bytes of answers and unread stream items a server lets pile up before a stream waits (1 MiB). */
  maxBufferedBytes?: number;
}

export interface ResolvedOptions extends ResolvedTransportOptions {
  readonly watch: boolean;
  readonly pollMs: number;
  readonly write: 'rename' | 'in-place';
  readonly answeredTtlMs: number;
  readonly maxBufferedBytes: number;
}

export function resolveOptions(options: FileTransportOptions): ResolvedOptions {
  const pollMs = options.pollMs ?? 100;
  if (!(pollMs > 0)) throw new TypeError('fileTransport: pollMs must be a positive number of milliseconds');
  return {
    ...resolveTransportOptions('fileTransport', options),
    watch: options.watch ?? true,
    pollMs,
    write: options.write ?? 'rename',
    answeredTtlMs: options.answeredTtlMs ?? 60_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024,
  };
}
