/** Work to do if the process exits normally with servers still open: remove their segments. */

const actions = new Set<() => void>();
let hooked = false;

/** Run `action` at process exit unless the returned function is called first. */
export function atExit(action: () => void): () => void {
  actions.add(action);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const a of actions) a();
    });
  }
  return () => void actions.delete(action);
}
