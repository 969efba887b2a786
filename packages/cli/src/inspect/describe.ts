/**
 * What the inspector shows of a server: its services and methods, each with
 * the JSON Schema of its input and output — from the OpenRPC document of
 * `rpc.discover` on the JSON transports, from server reflection on gRPC.
 */
import { rawCall, type Channel } from '@interoffice/core';
import { GrpcChannel } from '@interoffice/transport-grpc';
import { callSchema } from './proto-schema.js';

type Json = Record<string, unknown>;

export interface MethodView {
  /** The name to call it by: `Calculator.add`, `calculator.v1.Calculator.Add`. */
  readonly name: string;
  readonly kind: 'unary' | 'serverStream' | 'notification' | 'clientStream' | 'bidiStream';
  readonly description?: string;
  readonly input: Json;
  readonly output: Json;
}

export interface ServiceView {
  readonly name: string;
  readonly methods: readonly MethodView[];
}

export async function describeServer(channel: Channel, timeout: number): Promise<ServiceView[]> {
  if (channel instanceof GrpcChannel) {
    const r = await channel.reflection();
    return r.services.map((s) => ({
      name: s.typeName,
      methods: s.methods.map((m) => ({
        name: `${s.typeName}.${m.name}`,
        kind:
          m.methodKind === 'server_streaming'
            ? 'serverStream'
            : m.methodKind === 'client_streaming'
              ? 'clientStream'
              : m.methodKind === 'bidi_streaming'
                ? 'bidiStream'
                : 'unary',
        input: callSchema(m, 'input'),
        output: callSchema(m, 'output'),
      })),
    }));
  }
  const doc = (await rawCall(channel, 'rpc.discover', [], { timeout })) as { methods?: Json[] };
  const services = new Map<string, MethodView[]>();
  for (const m of doc.methods ?? []) {
    const name = String(m.name);
    const service = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : '';
    const params = (m.params ?? []) as { name: string; required?: boolean; schema?: Json }[];
    const input =
      m.paramStructure === 'by-position' && params.length === 1
        ? (params[0]?.schema ?? {})
        : {
            type: 'object',
            properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
            required: params.filter((p) => p.required === true).map((p) => p.name),
          };
    const view: MethodView = {
      name,
      kind: (m['x-interoffice-kind'] as MethodView['kind'] | undefined) ?? 'unary',
      ...(typeof m.description === 'string' ? { description: m.description } : {}),
      input,
      output: ((m.result as Json | undefined)?.schema as Json | undefined) ?? {},
    };
    services.set(service, [...(services.get(service) ?? []), view]);
  }
  return [...services].map(([name, methods]) => ({ name, methods }));
}
