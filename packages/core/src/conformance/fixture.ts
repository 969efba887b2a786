/**
 * One test's world: a server with the conformance service at a fresh
 * address, a typed client, and raw access to the transport for bad frames.
 */
import { transportFor } from '../address.js';
import type { Channel } from '../call.js';
import { createClient, type Client } from '../client/client.js';
import { connect } from '../client/connect.js';
import type { Transport } from '../call-transport.js';
import { rawConnection } from '../client/raw-frames.js';
import type { Connection, StreamWindows } from '../transport.js';
import { streamWindows } from '../windows.js';
import { serve, type Server } from '../server/serve.js';
import { Conformance, conformanceImpl, ServerState } from './service.js';
import type { ConformanceTarget } from './target.js';

/** A connection that speaks raw frames, to send what a typed client never would. */
export class RawPeer {
  readonly frames: string[] = [];
  closed = false;
  #wake: (() => void) | undefined;
  connection: Connection | undefined;

  readonly handler = {
    frame: (f: string) => {
      this.frames.push(f);
      this.#wake?.();
    },
    oversized: () => {},
    drain: () => {},
    closed: () => {
      this.closed = true;
      this.#wake?.();
    },
  };

  send(frame: string): void {
    this.connection?.send(frame);
  }

  /** The next frame received, parsed; fails after `ms`. */
  async next(ms = 2000): Promise<unknown> {
    const deadline = Date.now() + ms;
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('raw connection closed while waiting for a frame');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no frame within the time allowed');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    return JSON.parse(this.frames.shift() as string);
  }
}

export class Fixture {
  readonly state = new ServerState();
  server!: Server;
  channel!: Channel;
  client!: Client<typeof Conformance>;
  url!: string;
  readonly #target: ConformanceTarget;
  readonly #raw: RawPeer[] = [];

  constructor(target: ConformanceTarget) {
    this.#target = target;
  }

  get transports(): readonly Transport[] {
    return this.#target.transports;
  }

  /** The stream windows of the transport serving the suite's URL. */
  get windows(): StreamWindows {
    return streamWindows(transportFor(new URL(this.url), this.transports));
  }

  async start(): Promise<this> {
    await this.startServer(await this.#target.address());
    this.channel = await connect(this.url, { transports: this.transports });
    this.client = createClient(Conformance, this.channel);
    return this;
  }

  /** Serve at `address`; `url` becomes the address actually bound. */
  async startServer(address: string): Promise<void> {
    this.server = await serve(conformanceImpl(this.state), {
      listen: [address],
      transports: this.transports,
      logger: { warn: () => {}, error: () => {} },
    });
    this.url = (this.server.urls[0] as URL).href;
  }

  /** A connection that sends raw frames (frame transports only: a case that needs one is skipped otherwise). */
  async raw(): Promise<RawPeer> {
    const peer = new RawPeer();
    const url = new URL(this.url);
    const transport = transportFor(url, this.transports);
    if (transport.kind === 'calls') throw new Error('raw frames need a frame or message transport; skip this case');
    peer.connection = await rawConnection(transport, url, peer.handler);
    this.#raw.push(peer);
    return peer;
  }

  async stop(): Promise<void> {
    for (const p of this.#raw) p.connection?.close();
    await this.channel?.close();
    await this.server?.close({ graceMs: 0 });
  }
}
