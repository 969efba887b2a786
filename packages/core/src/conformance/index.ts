/**
 * The transport conformance suite: what every transport must do the same
 * way (unary calls, errors, deadlines, cancellation, metadata, streams,
 * concurrency, payloads, restarts, malformed frames). Every transport's
 * tests call {@link runConformance} unchanged; a transport may skip a case
 * only by naming a reason, which shows in the test's title.
 *
 * @example
 * runConformance({
 *   name: 'socket (unix)',
 *   transports: [socketTransport({ maxFrameBytes: 1 << 20 })],
 *   maxFrameBytes: 1 << 20,
 *   address: () => `unix://${tmpdir()}/conf-${n++}.sock`,
 * });
 */
import { describe, it } from 'vitest';
import { cases } from './cases.js';
import { Fixture } from './fixture.js';
import type { ConformanceTarget } from './target.js';

export function runConformance(target: ConformanceTarget): void {
  const skipped = new Map<string, string>();
  for (const s of target.skip ?? []) {
    if (s.reason.trim() === '') throw new Error(`conformance skip of ${s.cases.join(', ')} needs a reason`);
    for (const c of s.cases) skipped.set(c, s.reason);
  }
  describe(`conformance: ${target.name}`, () => {
    for (const c of cases) {
      const reason = skipped.get(c.name);
      if (reason !== undefined) {
        it.skip(`${c.name} (skipped: ${reason})`, () => {});
        continue;
      }
      it(c.name, async () => {
        const fx = await new Fixture(target).start();
        try {
          await c.run(fx, target.maxFrameBytes);
        } finally {
          await fx.stop();
        }
      });
    }
  });
}

export { cases, messageMediumStreamSkip, type CaseName } from './cases.js';
export type { ConformanceTarget } from './target.js';
export { Conformance, conformanceImpl, ServerState, Refused } from './service.js';
export { Calculator, AliceBroke, calculator, type Seen } from './calculator.js';
export { seededRandom, settledHeap, waitFor } from './testing.js';
export { answeredBy, loadWithKill, type FailoverLoad, type FailoverReport } from './failover.js';
export { ServerProcess } from './server-process.js';
export { makeCertificates } from './certificates.js';
