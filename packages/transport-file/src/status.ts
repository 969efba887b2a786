/**
 * What a client can tell about the other end of a shared file, and how it
 * says so when calls cannot go on.
 *
 * An Interoffice server holds the presence lock (presence.ts) and leaves its
 * mark in the file (`interoffice.server`). A file with the mark and no
 * lock holder was served by one that is gone. A file without the mark may be
 * served by a program in the seed's style, which we cannot see: calls wait
 * for its answers until their deadlines.
 */
import type { FileState } from './shared-file.js';

/** Why calls on this file cannot proceed now, or undefined when they can. */
export function unavailable(state: FileState, path: string, served: boolean): string | undefined {
  if (served) return undefined;
  switch (state.kind) {
    case 'missing':
      return `no file at ${path} (is the server running?)`;
    case 'corrupt':
      return `${path} is not a usable shared file (${state.reason}), and no Interoffice server is serving it to set it aside`;
    case 'doc': {
      const server = state.doc.info().server;
      return server === undefined ? undefined : `the server of ${path} has stopped (it was pid ${server.pid} on ${server.host})`;
    }
  }
}

/**
 * Why `count` entries a client wrote are gone: the server set the file
 * aside as corrupt after they were written, or someone removed them.
 */
export function lostEntries(state: FileState, path: string, count: number, writtenAt: number): string {
  const calls = count === 1 ? 'a pending call' : `${count} pending calls`;
  const reset = state.kind === 'doc' ? state.doc.info().reset : undefined;
  if (reset !== undefined && Date.parse(reset.at) >= writtenAt - 1000) {
    return `${path} was not usable (${reset.reason}) and was set aside as ${reset.keptAs}: the entries of ${calls} were lost with it`;
  }
  if (state.kind === 'missing') return `${path} was removed, with the entries of ${calls}`;
  return `the entries of ${calls} vanished from ${path} (removed by another program?)`;
}
