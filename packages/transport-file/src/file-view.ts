/**
 * What a program knows of the shared file: the bytes it last read or wrote,
 * and the document parsed from them, so a cycle that finds the same bytes
 * parses nothing, and a change event that finds them can be ignored without
 * taking the lock.
 */
import type { FileAddress } from './address.js';
import { parseDocument, type SharedDoc } from './document.js';
import { differs, overwriteFile, readSnapshot, replaceFile, withTrailer, type Snapshot } from './file-io.js';
import { setAside } from './set-aside.js';

/** The file as a cycle finds it. */
export type FileState =
  | { readonly kind: 'doc'; readonly doc: SharedDoc; readonly repaired?: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'corrupt'; readonly reason: string };

interface Known {
  readonly bytes: Buffer | undefined;
  readonly state: FileState;
  /** The document's mutation count when it matched `bytes`. */
  readonly mutations: number;
}

function stateOf(bytes: Buffer | undefined): FileState {
  if (bytes === undefined) return { kind: 'missing' };
  const parsed = parseDocument(bytes.toString('utf8'));
  if (parsed.corrupt !== undefined) return { kind: 'corrupt', reason: parsed.corrupt };
  return parsed.repaired === undefined
    ? { kind: 'doc', doc: parsed.doc }
    : { kind: 'doc', doc: parsed.doc, repaired: parsed.repaired };
}

export class FileView {
  #known: Known | undefined;
  /** The file as last read, for the write that replaces it. */
  #snapshot: Snapshot | undefined;

  constructor(
    private readonly address: FileAddress,
    private readonly mode: 'rename' | 'in-place',
  ) {}

  /** Under the lock: the file's state now. */
  read(): FileState {
    const snapshot = readSnapshot(this.address.path);
    this.#snapshot = snapshot;
    const known = this.#known;
    if (known !== undefined) {
      const same = snapshot === undefined ? known.bytes === undefined : known.bytes?.equals(snapshot.bytes) === true;
      if (same && (known.state.kind !== 'doc' || known.state.doc.mutations === known.mutations)) return known.state;
    }
    const state = stateOf(snapshot?.bytes);
    this.#known = { bytes: snapshot?.bytes, state, mutations: state.kind === 'doc' ? state.doc.mutations : 0 };
    return state;
  }

  /** Under the lock, after {@link read}: replace the file with `doc`. */
  write(doc: SharedDoc): void {
    const current = this.#snapshot;
    const bytes = withTrailer(doc.toText(), current?.bytes.length ?? -1);
    if (this.mode === 'in-place' && current !== undefined) overwriteFile(this.address.path, bytes);
    else replaceFile(this.address, bytes, current);
    this.#known = { bytes, state: { kind: 'doc', doc }, mutations: doc.mutations };
  }

  /** Under the lock: move the (corrupt) file aside; returns the name it was kept under. */
  setAside(): string {
    const keptAs = setAside(this.address);
    this.#snapshot = undefined;
    this.#known = undefined;
    return keptAs;
  }

  /** Forget what we knew (after a failed cycle). */
  forget(): void {
    this.#known = undefined;
  }

  /** Without the lock: whether the file may differ from what we last read or wrote. */
  changed(): boolean {
    if (this.#known === undefined) return true;
    try {
      return differs(this.address.path, this.#known.bytes);
    } catch {
      return true; // unreadable now: a locked cycle will say why
    }
  }
}
