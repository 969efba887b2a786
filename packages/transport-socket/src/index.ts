export { socketTransport } from './transport.js';
export type { SocketTransportOptions } from './options.js';
