import { waitFor } from '@interoffice/core/conformance';

/**
 * Resolve once `predicate` holds, checking every 10 ms; fail after `ms`, naming
 * `what`. Core's `waitFor` in the positional shape every package's tests use:
 * one place to wait for a condition instead of a fixed sleep. The default is
 * generous because only a failing test ever waits it out, on a loaded machine.
 */
export function until(predicate: () => boolean | Promise<boolean>, ms = 10_000, what = `${predicate}`): Promise<void> {
  return waitFor(predicate, { timeoutMs: ms, what });
}
