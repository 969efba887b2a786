export { socketTransport, type SocketTransportOptions } from './transport.js';
