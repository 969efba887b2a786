/**
 * Load-balancing policies: which of a client's servers takes the next
 * call, from what the health checks say of each. Pure: the channel keeps
 * the states, a picker only chooses.
 */

/**
 * How calls are spread over several servers, as gRPC's policies of the same names:
 * - `pick-first`: every call goes to one server — the first in the list that is
 *   healthy — and stays there while it is; when it is not, to the next healthy one.
 * - `round-robin`: each call to the next healthy server in turn.
 */
export type BalancePolicy = 'pick-first' | 'round-robin';

/**
 * What the client knows of a server: `idle` (not checked yet), `ready`
 * (its last health check said SERVING, and no call found it gone since),
 * `unhealthy` (out of the rotation until a check says SERVING again).
 */
export type EndpointState = 'idle' | 'ready' | 'unhealthy';

/** Chooses a server for each call. */
export interface Picker {
  /**
   * The index of the server for the next call among `states`, or undefined
   * when none may take it. Servers are `ready` ones, or `idle` ones while
   * none is ready; `avoid(i)` marks servers this call tried already (retries
   * and hedges go elsewhere when they can, back to one of them when not).
   */
  pick(states: readonly EndpointState[], avoid: ((i: number) => boolean) | undefined): number | undefined;
}

/** The state a server must be in to be picked: `ready`, or `idle` while none is ready. */
function usable(states: readonly EndpointState[]): EndpointState {
  return states.includes('ready') ? 'ready' : 'idle';
}

class RoundRobin implements Picker {
  #next = 0;

  pick(states: readonly EndpointState[], avoid: ((i: number) => boolean) | undefined): number | undefined {
    const want = usable(states);
    const n = states.length;
    let fallback: number | undefined;
    for (let k = 0; k < n; k++) {
      const i = (this.#next + k) % n;
      if (states[i] !== want) continue;
      if (avoid?.(i) === true) {
        fallback ??= i;
        continue;
      }
      this.#next = i + 1;
      return i;
    }
    return fallback;
  }
}

class PickFirst implements Picker {
  #current: number | undefined;

  pick(states: readonly EndpointState[], avoid: ((i: number) => boolean) | undefined): number | undefined {
    const want = usable(states);
    const current = this.#current;
    if (current !== undefined && states[current] === want && avoid?.(current) !== true) return current;
    let fallback: number | undefined;
    for (let i = 0; i < states.length; i++) {
      if (states[i] !== want) continue;
      if (avoid?.(i) === true) {
        fallback ??= i;
        continue;
      }
      // A retry steering around the current server does not move the rest of the calls.
      if (current === undefined || states[current] !== want) this.#current = i;
      return i;
    }
    return fallback;
  }
}

/** A fresh picker for `policy` (each keeps its own place in the rotation). */
export function picker(policy: BalancePolicy): Picker {
  if (policy === 'round-robin') return new RoundRobin();
  if (policy === 'pick-first') return new PickFirst();
  throw new TypeError(`balance must be 'pick-first' or 'round-robin', not ${JSON.stringify(policy)}`);
}
