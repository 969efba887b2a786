/**
 * The wire as any MQTT 5 client sees it (docs/transports/mqtt.md#wire-format),
 * with a raw mqtt.js client: answers echo correlation data; user properties
 * and message expiry of a foreign request become metadata and deadline;
 * malformed, oversized and unanswerable requests leave the worker serving.
 */
import { randomBytes } from 'node:crypto';
import { serve } from '@interoffice/core';
import { conformanceImpl, ServerState } from '@interoffice/core/conformance';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mqttTransport } from '../src/index.js';
import { BROKER, serviceUrl, until } from './helpers.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const maxFrameBytes = 64 * 1024;
let service: string;
let raw: MqttClient;
let replies: string;
const answers: { body: unknown; packet: IPublishPacket }[] = [];

beforeEach(async () => {
  const url = serviceUrl();
  service = new URL(url).pathname.slice(1);
  const server = await serve(conformanceImpl(new ServerState()), {
    listen: [url],
    transports: [mqttTransport({ maxFrameBytes })],
  });
  cleanups.push(() => server.close());
  raw = await mqtt.connectAsync(BROKER, { protocolVersion: 5 });
  cleanups.push(() => raw.endAsync());
  replies = `raw/${randomBytes(6).toString('hex')}`;
  answers.length = 0;
  raw.on('message', (_t, payload, packet) => answers.push({ body: JSON.parse(payload.toString()), packet }));
  await raw.subscribeAsync(replies, { qos: 1 });
});

async function call(payload: string | Buffer, properties: IPublishPacket['properties'] = {}): Promise<unknown> {
  const before = answers.length;
  await raw.publishAsync(service, payload, { qos: 1, properties: { responseTopic: replies, ...properties } });
  await until(() => answers.length > before, 5000, 'an answer');
  return answers[before];
}

const rpc = (id: number, method: string, params: unknown): string => JSON.stringify({ jsonrpc: '2.0', id, method, params });

describe('a foreign MQTT 5 client', () => {
  it('gets its correlation data back; its user properties are metadata, its message expiry the deadline', async () => {
    const a = (await call(rpc(1, 'meta', {}), { correlationData: Buffer.from('c-1'), userProperties: { 'x-trace': 'abc' } })) as {
      body: { result: unknown };
      packet: IPublishPacket;
    };
    expect(a.body.result).toEqual({ 'x-trace': 'abc' });
    expect(a.packet.properties?.correlationData?.toString()).toBe('c-1');
    const before = Date.now();
    const d = (await call(rpc(2, 'deadline', {}), { messageExpiryInterval: 20 })) as { body: { result: number } };
    expect(d.body.result).toBeGreaterThan(before + 18_000);
    expect(d.body.result).toBeLessThanOrEqual(Date.now() + 20_000);
    // The body's own members win over the properties.
    const own = (await call(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'meta', params: {}, meta: { 'x-trace': 'body' } }), {
      userProperties: { 'x-trace': 'prop', other: 'o' },
    })) as { body: { result: unknown } };
    expect(own.body.result).toEqual({ 'x-trace': 'body', other: 'o' });
    // A timeout in both: the earlier holds.
    const body = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'deadline', params: {}, timeout: 60_000 });
    const sent = Date.now();
    const both = (await call(body, { userProperties: { timeout: '5000' } })) as { body: { result: number } };
    expect(both.body.result).toBeGreaterThan(sent);
    expect(both.body.result).toBeLessThanOrEqual(Date.now() + 5000);
  });

  it('malformed and oversized requests get named errors; one without a response topic is dropped; the worker serves on', async () => {
    expect(((await call('{"jsonrpc":')) as { body: unknown }).body).toMatchObject({ id: null, error: { code: -32700 } });
    expect(((await call(Buffer.from([0, 0xff, 0xfe]))) as { body: unknown }).body).toMatchObject({ error: { code: -32700 } });
    const big = (await call(rpc(5, 'echo', { text: 'z'.repeat(maxFrameBytes + 1) }))) as { body: unknown };
    expect(big.body).toMatchObject({ id: 5, error: { data: { code: 'RESOURCE_EXHAUSTED' } } });
    await raw.publishAsync(service, rpc(6, 'add', [1, 1]), { qos: 1 }); // nobody to answer
    expect(((await call(rpc(7, 'add', [2, 5]))) as { body: unknown }).body).toEqual({ jsonrpc: '2.0', id: 7, result: 7 });
    expect(answers.map((a) => (a.body as { id: unknown }).id)).not.toContain(6);
  });
});
