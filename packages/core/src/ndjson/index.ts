/**
 * Newline-delimited JSON framing over Node streams, for transports that
 * frame that way (sockets, FIFOs, stdio): `@interoffice/core/ndjson`.
 */
export { LineSplitter, type LineSink } from './line-splitter.js';
export { StreamConnection, type StreamConnectionOptions } from './stream-connection.js';
export { readTransportLine, transportLine, type TransportLine } from './transport-lines.js';
