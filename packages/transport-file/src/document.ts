/**
 * The shared file's document: `{"commands": {"<key>": <entry>, ...}}`, plus
 * whatever other members its programs keep (ours is `interoffice`). Parsing
 * tells a usable document from a corrupt one, and recovers the one fault the
 * seed's own client leaves behind: a whole document followed by the tail of
 * a longer one it overwrote in place ("Extra data").
 */
import { isObject, RawObject } from './raw-object.js';
import { skipSpace, skipValue } from './scan.js';

/** The top-level member where Interoffice keeps its own bookkeeping. */
export const INFO_KEY = 'interoffice';

/** Who serves the file (written by an Interoffice server when it starts). */
export interface ServerInfo {
  pid: number;
  host: string;
  /** ISO time the server started. */
  since: string;
}

/** What the last server did with a corrupt file. */
export interface ResetInfo {
  /** ISO time of the reset. */
  at: string;
  /** Why the file could not be used. */
  reason: string;
  /** The name the corrupt file was kept under, in the same folder. */
  keptAs: string;
}

/** The `interoffice` member. */
export interface FileInfo {
  server?: ServerInfo;
  reset?: ResetInfo;
}

export class SharedDoc {
  constructor(
    /** Top-level members other than `commands`, in their order. */
    readonly top: RawObject,
    /** The entries, by key. */
    readonly commands: RawObject,
  ) {}

  static empty(): SharedDoc {
    return new SharedDoc(new RawObject(), new RawObject());
  }

  /** Changes made since parsing (compare two readings). */
  get mutations(): number {
    return this.top.mutations + this.commands.mutations;
  }

  info(): FileInfo {
    const value = this.top.has(INFO_KEY) ? this.top.value(INFO_KEY) : undefined;
    return isObject(value) ? (value as FileInfo) : {};
  }

  setInfo(info: FileInfo): void {
    this.top.set(INFO_KEY, info);
  }

  /** Compact JSON, `commands` first; other members as they were. */
  toText(): string {
    const rest = this.top.toText();
    return `{"commands":${this.commands.toText()}${rest === '{}' ? '' : `,${rest.slice(1, -1)}`}}`;
  }
}

/** A document, or why the text is not one. */
export type Parsed =
  | { readonly doc: SharedDoc; readonly repaired?: string; readonly corrupt?: undefined }
  | { readonly corrupt: string };

/** Read the file's text. An empty file is an empty document; anything unusable is `corrupt`. */
export function parseDocument(text: string): Parsed {
  let body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const open = skipSpace(body, 0);
  if (open === body.length) return { doc: SharedDoc.empty(), repaired: 'the file was empty' };
  let value: unknown;
  let repaired: string | undefined;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const reason = (e as Error).message;
    // A whole document followed by stray bytes: keep the document.
    const end = skipValue(body, open);
    if (end <= 0 || end === body.length) return { corrupt: reason };
    try {
      value = JSON.parse(body.slice(0, end));
    } catch {
      return { corrupt: reason };
    }
    repaired = `dropped ${body.length - end} stray characters after the document (${reason})`;
    body = body.slice(0, end);
  }
  if (!isObject(value)) return { corrupt: 'the document is not a JSON object' };
  const commands = value.commands;
  if (commands !== undefined && !isObject(commands)) return { corrupt: '"commands" is not an object' };
  const top = RawObject.parse(body, open, value);
  const commandsText = top.text('commands');
  top.delete('commands');
  const entries =
    commandsText === undefined ? new RawObject() : RawObject.parse(commandsText, 0, commands as Record<string, unknown>);
  const doc = new SharedDoc(top, entries);
  return repaired === undefined ? { doc } : { doc, repaired };
}
