/**
 * An OpenAPI 3.1 document for an endpoint, made from its OpenRPC document
 * (what `rpc.discover` answers): each method is `POST <path><method>` with
 * its params as the JSON body and its result as the JSON response, and also
 * `GET` with params in the query when it is marked `noSideEffects`; the
 * JSON-RPC endpoint itself is `POST <path>`. Schemas are JSON Schema 2020-12,
 * which OpenAPI 3.1 speaks.
 */
type Json = Record<string, unknown>;

interface RpcParam {
  readonly name: string;
  readonly required?: boolean;
  readonly schema?: Json;
}

interface RpcMethod {
  readonly name: string;
  readonly description?: string;
  readonly params?: readonly RpcParam[];
  readonly paramStructure?: string;
  readonly result?: { readonly schema?: Json };
  readonly 'x-interoffice-kind'?: string;
  readonly 'x-interoffice-idempotency'?: string;
}

const errorSchema: Json = {
  type: 'object',
  description: "The JSON-RPC error object: `data.code` is the canonical code (gRPC's set), `data.name` a declared error class",
  required: ['code', 'message'],
  properties: {
    code: { type: 'integer' },
    message: { type: 'string' },
    data: {
      type: 'object',
      properties: { code: { type: 'string' }, name: { type: 'string' }, details: {}, fields: { type: 'object' } },
    },
  },
};

const timeoutHeader: Json = {
  name: 'interoffice-timeout-ms',
  in: 'header',
  required: false,
  description:
    'Milliseconds the caller waits; the call is cancelled after. Metadata travels as `interoffice-meta-<key>` headers.',
  schema: { type: 'integer', minimum: 0 },
};

/** `schema` without the `$schema` member zod puts on top: OpenAPI 3.1 names the dialect once. */
function bare(schema: Json | undefined): Json {
  if (schema === undefined) return {};
  const { $schema: _, ...rest } = schema;
  return rest;
}

function inputSchema(m: RpcMethod): Json {
  const params = m.params ?? [];
  if (m.paramStructure === 'by-position' && params.length === 1) return bare(params[0]?.schema);
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [p.name, bare(p.schema)])),
    required: params.filter((p) => p.required === true).map((p) => p.name),
  };
}

function responses(m: RpcMethod): Json {
  const failed = {
    description: 'The call failed',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  const kind = m['x-interoffice-kind'];
  if (kind === 'notification') return { '204': { description: 'Taken; nothing is answered' }, default: failed };
  if (kind === 'serverStream') {
    const line = {
      oneOf: [
        { type: 'object', required: ['item'], properties: { item: bare(m.result?.schema) } },
        { type: 'object', required: ['result'], properties: { result: { type: 'null' } }, description: 'the end' },
        { type: 'object', required: ['error'], properties: { error: { $ref: '#/components/schemas/Error' } } },
      ],
    };
    return {
      '200': {
        description: 'One JSON object per line: the items, then the end or the error',
        content: { 'application/x-ndjson': { schema: line } },
      },
      default: failed,
    };
  }
  return {
    '200': { description: 'The result', content: { 'application/json': { schema: bare(m.result?.schema) } } },
    default: failed,
  };
}

function operations(m: RpcMethod): Json {
  const common = {
    operationId: m.name.replace(/[^A-Za-z0-9_]/g, '_'),
    ...(m.description === undefined ? {} : { summary: m.description }),
    responses: responses(m),
  };
  const input = inputSchema(m);
  const out: Json = {
    post: {
      ...common,
      parameters: [timeoutHeader],
      requestBody: { required: false, content: { 'application/json': { schema: input } } },
    },
  };
  if (m['x-interoffice-idempotency'] === 'noSideEffects') {
    const properties = (input.properties ?? {}) as Record<string, Json>;
    const required = new Set((input.required ?? []) as string[]);
    const query = Object.entries(properties).map(([name, schema]) => ({
      name,
      in: 'query',
      required: required.has(name),
      // Each value is read as JSON when it is JSON, else as a string.
      content: { 'application/json': { schema } },
    }));
    out.get = { ...common, operationId: `${common.operationId}_get`, parameters: [timeoutHeader, ...query] };
  }
  return out;
}

export function openApiFromDiscovery(discovery: unknown, path: string): Json {
  const doc = (discovery ?? {}) as { info?: Json; methods?: readonly RpcMethod[] };
  const paths: Json = {
    [path]: {
      post: {
        operationId: 'jsonrpc',
        summary: 'JSON-RPC 2.0: one request or a batch (docs/protocol.md)',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] } },
          },
        },
        responses: {
          '200': {
            description: 'The response (or the batch of responses); a server stream as NDJSON lines',
            content: { 'application/json': { schema: {} }, 'application/x-ndjson': { schema: { type: 'object' } } },
          },
          '204': { description: 'Only notifications: nothing is answered' },
        },
      },
    },
  };
  for (const m of doc.methods ?? []) paths[`${path}${m.name}`] = operations(m);
  return {
    openapi: '3.1.0',
    info: { title: String(doc.info?.title ?? 'Interoffice'), version: String(doc.info?.version ?? '1.0.0') },
    paths,
    components: { schemas: { Error: errorSchema } },
  };
}
