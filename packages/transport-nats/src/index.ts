export { natsTransport } from './transport.js';
export type { NatsTransportOptions } from './options.js';
export { natsAvailable } from './available.js';
export { natsEndpoint, type NatsEndpoint } from './address.js';
