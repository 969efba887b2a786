/**
 * A client's outgoing requests, batched: the frames sent in one tick are
 * queued by one ENQUEUE run, in order. A lone frame goes out at the end of
 * its microtask queue, so a single call waits for no timer; while a burst is
 * on (a read just brought several answers), until the end of the event loop turn.
 *
 * Each run is followed by an XLEN on the same connection, so the client
 * knows the queue's length as of its last run. While that was under half the
 * limit, a lone frame is queued with a plain XADD (which the protocol allows)
 * instead of the script, which costs Redis several times as much, on the
 * path of every sequential call (bench/README.md has the figures). Near the limit the script
 * decides, exactly; a plain XADD can pass the limit by at most one frame per
 * client that last saw the queue under half full.
 */
import { RpcError, type OutgoingRequest } from '@interoffice/core';
import { codeOf, type RedisClient } from './connector.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { ENQUEUE } from './scripts.js';

/** Frames per ENQUEUE run at most. */
const MAX_BATCH = 128;

export interface OutboxSetup {
  readonly cmd: RedisClient;
  readonly keys: Keys;
  readonly options: ResolvedOptions;
  readonly service: string;
  /** The client id the entries carry. */
  readonly client: string;
  /** A request was not queued: its calls fail with `error`. */
  refuse(request: OutgoingRequest, error: RpcError): void;
  /** No worker is alive (whenNoWorkers: 'fail'): nothing of that run was queued. */
  noWorker(): void;
}

export class Outbox {
  readonly #s: OutboxSetup;
  #requests: OutgoingRequest[] = [];
  #scheduled = false;
  /** A read brought several answers: the calls they end are likely to send again this turn. */
  burst = false;
  closed = false;
  /** The queue's length after this client's last run (undefined: not known yet). */
  #length: number | undefined;

  constructor(setup: OutboxSetup) {
    this.#s = setup;
  }

  push(request: OutgoingRequest): void {
    this.#requests.push(request);
    if (this.#scheduled) return;
    this.#scheduled = true;
    if (this.burst) setImmediate(this.#flush);
    else queueMicrotask(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.burst = false;
    const requests = this.#requests;
    this.#requests = [];
    if (this.closed) return;
    for (let i = 0; i < requests.length; i += MAX_BATCH) this.#enqueue(requests.slice(i, i + MAX_BATCH));
  };

  #enqueue(requests: OutgoingRequest[]): void {
    const { cmd, keys, options } = this.#s;
    const plain =
      requests.length === 1 &&
      options.whenNoWorkers === 'queue' &&
      this.#length !== undefined &&
      this.#length < options.maxQueueLength / 2;
    if (plain) return this.#add(requests[0] as OutgoingRequest);
    this.#script(requests);
    // Redis runs one connection's commands in order: this is the length just after the run.
    cmd.xlen(keys.requests).then(this.#learn, this.#forget);
  }

  readonly #learn = (n: number): void => void (this.#length = n);
  readonly #forget = (): void => void (this.#length = undefined);

  /** XADD and XLEN as one pipeline: one write to the socket, not two. */
  #add(request: OutgoingRequest): void {
    const { cmd, keys, client } = this.#s;
    cmd
      .pipeline()
      .xadd(keys.requests, '*', 'c', client, 'f', request.text)
      .xlen(keys.requests)
      .exec()
      .then(
        (results) => {
          const [added, length] = results ?? [];
          if (added?.[0]) this.#failed([request], added[0]);
          if (length?.[0] || typeof length?.[1] !== 'number') this.#forget();
          else this.#learn(length[1]);
        },
        (e: Error) => {
          this.#forget();
          this.#failed([request], e);
        },
      );
  }

  #script(requests: OutgoingRequest[]): void {
    const { cmd, keys, options, service, client } = this.#s;
    const args = [options.maxQueueLength, options.whenNoWorkers === 'fail' ? '1' : '0', client, ...requests.map((r) => r.text)];
    ENQUEUE.run(cmd, [keys.requests, keys.workers], args).then(
      (queued) => {
        if (queued === -1) return this.#s.noWorker();
        const full = new RpcError(
          'RESOURCE_EXHAUSTED',
          `the queue of ${service} holds ${options.maxQueueLength} requests (maxQueueLength): try again later`,
        );
        for (const r of requests.slice(typeof queued === 'number' ? queued : 0)) this.#s.refuse(r, full);
      },
      (e: Error) => this.#failed(requests, e),
    );
  }

  #failed(requests: readonly OutgoingRequest[], e: Error): void {
    const error = new RpcError(codeOf(e.message), `the request may not have been queued: ${e.message}`);
    for (const r of requests) this.#s.refuse(r, error);
  }
}
