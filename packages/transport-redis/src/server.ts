/**
 * The server side: a worker consuming a service's request stream in the
 * consumer group, one of any number competing for it. Each entry goes to
 * core as a delivery (intake.ts); the control channel's cancels, credit
 * and goodbyes go to core too, which keeps one logical session per client.
 *
 * Three connections: one blocks reading new entries; one runs the worker's
 * commands (commits, heartbeats, claims), waiting for Redis when it is away;
 * one listens on the control channel. Timers renew the worker's hold on what
 * it runs and claim what dead workers held.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { bounded, CLIENT_CLOSED, RpcError, takeControl, type Listener, type MessageServer } from '@interoffice/core';
import { RedisClock } from './clock.js';
import { codeOf, type Connector, type RedisClient } from './connector.js';
import { Intake } from './intake.js';
import { reportOutages } from './lifecycle.js';
import { CLIENT_ID, GROUP, type Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { RELEASE } from './scripts.js';
import { readEntries } from './stream-replies.js';
import { Upkeep } from './upkeep.js';

export interface WorkerSetup {
  readonly connector: Connector;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  readonly url: URL;
}

/** Entries read at most per XREADGROUP, and how long one blocks. */
const READ_BATCH = 256;
const BLOCK_MS = 2000;
/** A released entry's idle time: far beyond any visibility timeout, so others claim it at once. */
const RELEASED_IDLE_MS = 86_400_000;
/** How long each step of closing may wait for Redis. */
const CLOSE_STEP_MS = 2000;

const noop = (): void => {};

export class RedisWorker implements Listener {
  readonly url: URL;
  /** This worker's consumer name in the group. */
  readonly name = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly #setup: WorkerSetup;
  readonly #cmd: RedisClient;
  readonly #reader: RedisClient;
  readonly #sub: RedisClient;
  readonly #server: MessageServer;
  readonly #intake: Intake;
  readonly #upkeep: Upkeep;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #closing = false;
  #closed = false;
  #wake: (() => void) | undefined;

  private constructor(setup: WorkerSetup, clients: readonly RedisClient[], server: MessageServer) {
    const [cmd, reader, sub] = clients as [RedisClient, RedisClient, RedisClient];
    this.#setup = setup;
    this.url = setup.url;
    this.#cmd = cmd;
    this.#reader = reader;
    this.#sub = sub;
    this.#server = server;
    const { keys, options } = setup;
    const clock = new RedisClock();
    const closing = (): boolean => this.#closing;
    this.#intake = new Intake({
      cmd,
      keys,
      options,
      clock,
      server,
      freed: () => this.#freed(),
      closing,
      closed: () => this.#closed,
    });
    this.#upkeep = new Upkeep({ cmd, keys, options, name: this.name, intake: this.#intake, clock, closing });
  }

  /** Join the service's consumer group and start taking requests. */
  static async start(setup: WorkerSetup, server: MessageServer): Promise<RedisWorker> {
    const opened: RedisClient[] = [];
    try {
      for (const role of ['work', 'blocking', 'subscriber'] as const) opened.push(await setup.connector.open(role));
      const worker = new RedisWorker(setup, opened, server);
      await worker.#intake.ensureGroup();
      await worker.#upkeep.touch();
      worker.#sub.on('message', (channel: string, text: string) => worker.#control(channel, text));
      await worker.#sub.subscribe(setup.keys.control);
      worker.#run();
      return worker;
    } catch (e) {
      for (const c of opened) c.disconnect();
      throw e instanceof RpcError ? e : new RpcError(codeOf(String(e)), `cannot serve ${setup.url.href}: ${String(e)}`);
    }
  }

  #run(): void {
    const { visibilityTimeoutMs: visibility } = this.#setup.options;
    this.#timers.push(
      setInterval(() => void this.#upkeep.touch().catch(noop), visibility / 3),
      setInterval(() => void this.#upkeep.claim(), Math.max(100, visibility / 4)),
    );
    const where = this.#setup.connector.where;
    const report = (lost: boolean): void =>
      this.#setup.options.logger.warn(
        lost ? `worker ${this.name} lost ${where}; reconnecting` : `worker ${this.name} is back on ${where}`,
      );
    reportOutages(this.#cmd, report, () => this.#closing);
    void this.#read();
  }

  async #read(): Promise<void> {
    const { keys, options } = this.#setup;
    while (!this.#closing) {
      const room = options.concurrency - this.#intake.size;
      if (room <= 0) {
        await new Promise<void>((r) => (this.#wake = r));
        continue;
      }
      let reply: unknown;
      try {
        const count = Math.min(room, READ_BATCH);
        reply = await this.#reader.call(
          'XREADGROUP',
          'GROUP',
          GROUP,
          this.name,
          'COUNT',
          count,
          'BLOCK',
          BLOCK_MS,
          'STREAMS',
          keys.requests,
          '>',
        );
      } catch (e) {
        if (this.#closing) return;
        if ((e as Error).message.includes('NOGROUP')) await this.#intake.ensureGroup().catch(noop);
        else await new Promise((r) => setTimeout(r, 100)); // Redis is away; the reader reconnects by itself
        continue;
      }
      this.#intake.takeAll(readEntries(reply));
      // Let this read's answers go out before the next read is sent: they are what callers wait for.
      await null;
    }
  }

  #control(channel: string, text: string): void {
    if (channel !== this.#setup.keys.control) return;
    takeControl(this.#server, CLIENT_CLOSED, text, (caller) => CLIENT_ID.test(caller));
  }

  #freed(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake !== undefined) setImmediate(wake); // let the completions of this tick add up to one read
  }

  /**
   * Stop taking requests at once; calls running here may finish while the
   * server grants them grace (core abandons what is left after it).
   * What is left unanswered goes back to the queue for other workers.
   */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    for (const t of this.#timers) clearInterval(t);
    this.#wake?.();
    this.#reader.disconnect();
    await this.#intake.settled();
    this.#intake.forget();
    // Each step waits for Redis, but not forever: a worker closes even while Redis is away
    // (what it held then comes back to the queue after the visibility timeout).
    await bounded(this.#intake.flushed(), CLOSE_STEP_MS);
    const { keys } = this.#setup;
    await bounded(RELEASE.run(this.#cmd, [keys.requests, keys.workers], [GROUP, this.name, RELEASED_IDLE_MS]), CLOSE_STEP_MS);
    this.#closed = true;
    await bounded(Promise.all([this.#sub.quit(), this.#cmd.quit()]), CLOSE_STEP_MS);
    this.#sub.disconnect();
    this.#cmd.disconnect();
  }
}
