export { httpTransport } from './transport.js';
export { wsTransport } from './ws-transport.js';
export { httpHandler, type HttpHandler, type HttpHandlerOptions } from './mount.js';
export type { WebTransportOptions, WebTlsOptions, WsTransportOptions, ReconnectOptions } from './options.js';
export type { RequestHandler } from './request-handler.js';
export type { UpgradeHandler } from './ws-server.js';
export { openApiFromDiscovery } from './openapi.js';
