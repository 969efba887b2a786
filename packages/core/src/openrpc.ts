/**
 * An OpenRPC document (https://spec.open-rpc.org) describing services: what
 * `rpc.discover` answers on JSON transports, and what `interoffice gen`
 * exports. Params and results are JSON Schema of the wire form.
 */
import type { Schema } from './schema.js';
import type { MethodDescriptor, ServiceDescriptor } from './service.js';

type Json = Record<string, unknown>;

/** The JSON-RPC name of OpenRPC's discovery method. */
export const DISCOVER_METHOD = 'rpc.discover';

function schemaOf(schema: Schema): Json {
  return schema.jsonSchema?.() ?? {};
}

function paramsOf(method: MethodDescriptor): { params: Json[]; paramStructure: string } {
  const input = schemaOf(method.input);
  if (method.input.fields === undefined) {
    return { params: [{ name: 'input', required: true, schema: input }], paramStructure: 'by-position' };
  }
  const properties = (input.properties ?? {}) as Record<string, Json>;
  const required = new Set((input.required ?? []) as string[]);
  return {
    params: method.input.fields.map((name) => ({ name, required: required.has(name), schema: properties[name] ?? {} })),
    paramStructure: 'either',
  };
}

function methodOf(method: MethodDescriptor): Json {
  const out: Json = { name: method.fullName, ...paramsOf(method), 'x-interoffice-kind': method.kind };
  if (method.description !== undefined) out.description = method.description;
  if (method.idempotency !== undefined) out['x-interoffice-idempotency'] = method.idempotency;
  if (method.resumable === true) out['x-interoffice-resumable'] = true;
  if (method.kind !== 'notification') {
    out.result = { name: method.kind === 'serverStream' ? 'item' : 'result', schema: schemaOf(method.output) };
  }
  return out;
}

/** The OpenRPC document for `services`. */
export function openRpcDocument(services: readonly ServiceDescriptor[], title = services.map((s) => s.name).join(', ')): Json {
  return {
    openrpc: '1.3.2',
    info: { title: title || 'Interoffice', version: '1.0.0' },
    methods: services.flatMap((s) => (Object.values(s.methods) as MethodDescriptor[]).map(methodOf)),
  };
}
