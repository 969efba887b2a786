/**
 * Shared memory between processes on one Linux host: `shm://<name>` is the
 * segment /dev/shm/interoffice-<name>, with one pair of rings per client.
 */
import { RpcError, type FrameTransport } from '@interoffice/core';
import { connectShm } from './client.js';
import { resolveOptions, type ShmTransportOptions } from './options.js';
import { listenShm } from './server.js';

/** Why this platform cannot run the transport, if it cannot. */
export function unsupported(platform: string = process.platform): RpcError | undefined {
  if (platform === 'linux') return undefined;
  return new RpcError(
    'FAILED_PRECONDITION',
    `shm: URLs are not supported on this platform (${platform}): the shared memory transport needs Linux ` +
      '(POSIX shared memory in /dev/shm and futex wake-ups); use unix: here',
  );
}

/**
 * The shared memory transport, for `shm:` URLs.
 *
 * @example
 * const transports = [shmTransport()];
 * const server = await serve(impl, { listen: ['shm://calc'], transports });
 * const calc = createClient(Calculator, await connect('shm://calc', { transports }));
 */
export function shmTransport(options: ShmTransportOptions = {}): FrameTransport {
  const o = resolveOptions(options);
  const linux = (): void => {
    const why = unsupported();
    if (why !== undefined) throw why;
  };
  return {
    schemes: ['shm'],
    // Twice core's items and four times its inputs: a grant that finds the sender asleep costs a
    // futex wake-up here, dearer than the items between grants (bench/README.md, the window table).
    windows: { items: 128, inputs: 64 },
    async connect(url, handler) {
      linux();
      return connectShm(url, handler, o);
    },
    async listen(url, accept) {
      linux();
      return listenShm(url, o, accept);
    },
  };
}
