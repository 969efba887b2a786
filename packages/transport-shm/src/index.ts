export { shmTransport, unsupported } from './transport.js';
export type { ShmTransportOptions } from './options.js';
export { inspectShm, type ShmSegmentInfo } from './inspect.js';
