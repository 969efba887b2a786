/**
 * Stream items for one client, held back when the client falls behind: while
 * too many pushes wait for Redis to confirm them, or its reply list holds
 * too many unread frames, `push` says so and core waits; when the client
 * has caught up, `relieved` is called (core's drain).
 */
import type { RedisClient } from './connector.js';

/** Pushes not yet confirmed, and replies waiting unread, before the server is asked to wait. */
const MAX_UNCONFIRMED = 256;
const MAX_UNREAD = 1024;

export class ReplyPressure {
  #unconfirmed = 0;
  #unread = false;
  #wantsDrain = false;
  #gone = false;

  constructor(
    private readonly cmd: RedisClient,
    private readonly replies: string,
    private readonly relieved: () => void,
  ) {}

  /** Nothing is held back or waiting to be confirmed: the pressure can be forgotten. */
  get idle(): boolean {
    return this.#unconfirmed === 0 && !this.#unread && !this.#wantsDrain;
  }

  /** A push was sent: true while there is room for more. */
  sent(): boolean {
    this.#unconfirmed++;
    const ok = this.#unconfirmed < MAX_UNCONFIRMED && !this.#unread;
    if (!ok) this.#wantsDrain = true;
    return ok;
  }

  /** A push was confirmed (with the reply list's length, when known). */
  confirmed(length: unknown): void {
    this.#unconfirmed--;
    if (typeof length === 'number' && length > MAX_UNREAD && !this.#unread) this.#watchUnread();
    this.#maybeDrain();
  }

  /** Stop watching (the worker closes). */
  forget(): void {
    this.#gone = true;
  }

  /** The client reads slower than the server streams: wait until it has read half its backlog. */
  #watchUnread(): void {
    this.#unread = true;
    const check = (): void => {
      if (this.#gone) return;
      this.cmd.call('LLEN', this.replies).then(
        (n) => {
          if (typeof n === 'number' && n > MAX_UNREAD / 2) return void setTimeout(check, 20);
          this.#unread = false;
          this.#maybeDrain();
        },
        () => setTimeout(check, 100),
      );
    };
    check();
  }

  #maybeDrain(): void {
    if (!this.#wantsDrain || this.#unread || this.#unconfirmed >= MAX_UNCONFIRMED / 2 || this.#gone) return;
    this.#wantsDrain = false;
    this.relieved();
  }
}
