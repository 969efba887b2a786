export { amqpTransport } from './transport.js';
export type { AmqpTransportOptions } from './options.js';
export { amqpAvailable } from './available.js';
export { CALLER, CONTROL_EXCHANGE, REPLY_TO, SENT_AT } from './wire.js';
