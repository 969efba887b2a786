export { mqttTransport } from './transport.js';
export type { MqttTransportOptions } from './options.js';
export { mqttAvailable } from './available.js';
export { topicsFor, type Topics } from './topics.js';
