import type { FrameTransport } from '../src/index.js';

/** A frame transport for `unix:` that carries no events (core's tests do not depend on the socket package). */
export const socketTransportLike: FrameTransport = {
  schemes: ['unix'],
  connect: () => Promise.reject(new Error('not used')),
  listen: () => Promise.reject(new Error('not used')),
};
