/**
 * A worker's periodic duties: its heartbeat (alive until now + the
 * visibility timeout; its hold on what it runs renewed; Redis's clock
 * sampled) and taking over what workers that stopped answering held.
 */
import type { RedisClock } from './clock.js';
import type { RedisClient } from './connector.js';
import type { Intake } from './intake.js';
import { GROUP, type Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { TOUCH } from './scripts.js';
import { claimedEntries } from './stream-replies.js';

export interface UpkeepSetup {
  readonly cmd: RedisClient;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  /** The worker's consumer name. */
  readonly name: string;
  readonly intake: Intake;
  readonly clock: RedisClock;
  closing(): boolean;
}

const isNoGroup = (e: unknown): boolean => e instanceof Error && e.message.includes('NOGROUP');

export class Upkeep {
  readonly #s: UpkeepSetup;
  #claiming = false;

  constructor(setup: UpkeepSetup) {
    this.#s = setup;
  }

  /** The heartbeat (TOUCH). After a Redis restart lost the group, it makes it again. */
  async touch(): Promise<void> {
    const { cmd, keys, options, name, intake, clock } = this.#s;
    const sent = Date.now();
    const args = [GROUP, name, options.visibilityTimeoutMs, ...intake.entryIds()];
    try {
      clock.sample(await TOUCH.run(cmd, [keys.requests, keys.workers], args), sent, Date.now());
    } catch (e) {
      if (!isNoGroup(e)) throw e;
      await intake.ensureGroup();
    }
  }

  /** Claim entries idle longer than the visibility timeout (kill -9, a crash, a lost host), as slots allow. */
  async claim(): Promise<void> {
    const { cmd, keys, options, name, intake } = this.#s;
    if (this.#claiming || this.#s.closing()) return;
    this.#claiming = true;
    try {
      let cursor = '0-0';
      do {
        const room = options.concurrency - intake.size;
        if (room <= 0 || this.#s.closing()) break;
        const reply = await cmd.call(
          'XAUTOCLAIM',
          keys.requests,
          GROUP,
          name,
          options.visibilityTimeoutMs,
          cursor,
          'COUNT',
          room,
        );
        const claimed = claimedEntries(reply);
        cursor = claimed.cursor;
        for (const entry of claimed.entries) await intake.resume(entry);
      } while (cursor !== '0-0');
    } catch (e) {
      if (isNoGroup(e)) await intake.ensureGroup().catch(() => {});
    } finally {
      this.#claiming = false;
    }
  }
}
