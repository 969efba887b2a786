import type { Transport } from '../call-transport.js';
import type { CaseName } from './cases.js';

/** What a transport's test gives the conformance suite. */
export interface ConformanceTarget {
  /** The suite's title, e.g. `socket (unix)`. */
  name: string;
  /** Transports for both client and server. */
  transports: readonly Transport[];
  /** A fresh listen address for each test (`tcp://127.0.0.1:0` is fine). */
  address(): string | Promise<string>;
  /** The frame limit these transports enforce, in bytes. */
  maxFrameBytes: number;
  /** Cases this transport cannot run: each skip names its reason. */
  skip?: readonly { cases: readonly CaseName[]; reason: string }[];
}
