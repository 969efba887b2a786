export { pipeTransport } from './transport.js';
export type { PipeTransportOptions } from './options.js';
export type { StreamSource } from './stdio-server.js';
export { announcePresence, type AnnounceOptions, type Presence } from './presence/announce.js';
export { watchPresence, type PresenceWatch, type PresenceEvent, type PresenceState } from './presence/watch.js';
export { signalRegistered, type SignalReport } from './presence/registry.js';
export { type PresenceSignals, DEFAULT_ONLINE, DEFAULT_OFFLINE } from './presence/signals.js';
