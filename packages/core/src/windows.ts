/** The stream windows a transport runs with: its own, or core's defaults. */
import type { Transport } from './call-transport.js';
import type { StreamWindows } from './transport.js';

/**
 * Core's windows: 64 items (granted back every 32 taken) hold a server stream near full speed
 * over sockets; 16 inputs, as grpc-js keeps a client stream's writes to its HTTP/2 window.
 */
export const DEFAULT_WINDOWS: StreamWindows = Object.freeze({ items: 64, inputs: 16 });

/** The windows `transport`'s streams run with (a call transport's medium has its own flow control: core's figures). */
export function streamWindows(transport: Transport): StreamWindows {
  return (transport.kind === 'calls' ? undefined : transport.windows) ?? DEFAULT_WINDOWS;
}
