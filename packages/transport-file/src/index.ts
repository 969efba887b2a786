export { fileTransport, type FileTransportOptions } from './transport.js';
export { LockFile } from './lock.js';
