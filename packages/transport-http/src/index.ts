export { httpTransport } from './transport.js';
export { httpHandler, type HttpHandler, type HttpHandlerOptions } from './mount.js';
export type { WebTransportOptions, WebTlsOptions } from './options.js';
export type { RequestHandler } from './request-handler.js';
export { openApiFromDiscovery } from './openapi.js';
