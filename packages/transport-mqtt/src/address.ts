/**
 * Endpoint URLs of the MQTT transport: `mqtt://[user[:password]@]host[:port]/<service>`,
 * and `mqtts://` for TLS. The path names the service: its request topic
 * (topics.ts). Events use plain topic names and ignore it.
 */

/** Where the broker is and which service a URL names. */
export interface MqttEndpoint {
  readonly host: string;
  readonly port: number;
  /** `mqtts:` */
  readonly tls: boolean;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The service: the path without its leading slash (`''` when absent); may hold `/` levels. */
  readonly service: string;
  /** The URL without its password, safe to print. */
  readonly display: URL;
}

/** Parse an `mqtt:` or `mqtts:` URL; a clear TypeError for anything else. */
export function mqttEndpoint(url: URL): MqttEndpoint {
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') throw new TypeError(`not an mqtt URL: ${url.href}`);
  if (url.hostname === '') throw new TypeError(`mqtt URLs need a host, as in mqtt://127.0.0.1:1883/calc (got ${url.href})`);
  const tls = url.protocol === 'mqtts:';
  const service = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (/[+#\s\0]/.test(service) || service.startsWith('$') || service.endsWith('/')) {
    throw new TypeError(`mqtt URL: the service must be a plain topic name (no + # $ spaces, no trailing /): ${service}`);
  }
  const display = new URL(url.href);
  display.password = '';
  return {
    host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port === '' ? (tls ? 8883 : 1883) : Number(url.port),
    tls,
    username: url.username === '' ? undefined : decodeURIComponent(url.username),
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    service,
    display,
  };
}

/** The service name, or a TypeError saying a call needs one. */
export function requireService(endpoint: MqttEndpoint): string {
  if (endpoint.service === '') {
    throw new TypeError(`mqtt URLs for calls name the service, as in mqtt://127.0.0.1:1883/calc (got ${endpoint.display.href})`);
  }
  return endpoint.service;
}
