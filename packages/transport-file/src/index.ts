export { fileTransport } from './transport.js';
export type { FileTransportOptions } from './options.js';
export { LockFile } from './lock.js';
