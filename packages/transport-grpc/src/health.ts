/**
 * The standard health service, grpc.health.v1.Health (Check and Watch), so
 * load balancers, Kubernetes probes and grpc_health_probe see the server:
 * SERVING for '' (the whole server) and for every service it serves, until
 * the server begins to close; NOT_FOUND for any other name. And its client
 * side, Check, which core's balancer asks through `Channel.health`.
 */
import {
  type Client,
  Metadata as GrpcMetadata,
  status as Status,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { HealthStatus } from '@interoffice/core';
import { messageCodec, type MessageCodec } from './proto/codec.js';
import { message, toFileDescriptor, type FileModel } from './proto/model.js';
import { registryOf } from './proto/registry.js';
import { fromStatus } from './status.js';

const pkg = 'grpc.health.v1';

function healthFile(): FileModel {
  const request = message('HealthCheckRequest');
  request.fields.push({ name: 'service', number: 1, jsonName: 'service', type: { scalar: 'string' } });
  const response = message('HealthCheckResponse');
  response.nested.push({ kind: 'enum', name: 'ServingStatus', values: ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] });
  response.fields.push({
    name: 'status',
    number: 1,
    jsonName: 'status',
    type: { enum: `${pkg}.HealthCheckResponse.ServingStatus` },
  });
  const method = (name: string, serverStreaming: boolean) => ({
    name,
    input: `${pkg}.HealthCheckRequest`,
    output: `${pkg}.HealthCheckResponse`,
    serverStreaming,
  });
  return {
    name: 'grpc/health/v1/health.proto',
    package: pkg,
    imports: new Set(),
    messages: [request, response],
    service: { name: 'Health', methods: [method('Check', false), method('Watch', true)] },
  };
}

/** The health service's file, for reflection. */
export const healthDescriptor: FileDescriptorProto = toFileDescriptor(healthFile());
const registry = registryOf([healthDescriptor]);
const codec = (name: string): MessageCodec =>
  messageCodec(registry.getMessage(`${pkg}.${name}`) as NonNullable<ReturnType<typeof registry.getMessage>>, undefined, false);
const request = codec('HealthCheckRequest');
const response = codec('HealthCheckResponse');
const identity = (b: Buffer): Buffer => b;
const reply = (status: string): Buffer => Buffer.from(response.encode({ status }));

/** Health of one server: what it serves, and whether it still does. */
export class Health {
  readonly #services: ReadonlySet<string>;
  readonly #watchers = new Set<ServerWritableStream<Buffer, Buffer>>();
  #serving = true;

  constructor(services: Iterable<string>) {
    this.#services = new Set(['', ...services]);
  }

  #status(service: string): string {
    if (!this.#services.has(service)) return 'SERVICE_UNKNOWN';
    return this.#serving ? 'SERVING' : 'NOT_SERVING';
  }

  #service(bytes: Buffer): string {
    const { service } = request.decode(bytes) as { service?: string };
    return service ?? '';
  }

  addTo(server: Server): void {
    server.register<Buffer, Buffer>(
      `/${pkg}.Health/Check`,
      (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        const status = this.#status(this.#service(call.request));
        if (status === 'SERVICE_UNKNOWN') return callback({ code: Status.NOT_FOUND, details: 'unknown service' });
        callback(null, reply(status));
      },
      identity,
      identity,
      'unary',
    );
    server.register<Buffer, Buffer>(
      `/${pkg}.Health/Watch`,
      (call: ServerWritableStream<Buffer, Buffer>) => {
        const service = this.#service(call.request);
        call.write(reply(this.#status(service)));
        if (!this.#services.has(service)) return; // stays open, as the protocol says, until the server closes
        this.#watchers.add(call);
        call.once('cancelled', () => this.#watchers.delete(call));
      },
      identity,
      identity,
      'serverStream',
    );
  }

  /** The server is closing: every watcher hears NOT_SERVING, and its stream ends. */
  shutdown(): void {
    this.#serving = false;
    for (const call of this.#watchers) {
      call.write(reply('NOT_SERVING'));
      call.end();
    }
    this.#watchers.clear();
  }
}

/**
 * Ask the server behind `client` grpc.health.v1.Health/Check about
 * `service`: SERVING or NOT_SERVING (UNKNOWN and SERVICE_UNKNOWN count as
 * not serving); rejects with the call's error (UNIMPLEMENTED from a server
 * without the health service, UNAVAILABLE, DEADLINE_EXCEEDED, NOT_FOUND).
 */
export function checkHealth(
  client: Client,
  check: { readonly service: string; readonly deadline: number; readonly signal?: AbortSignal | undefined },
): Promise<HealthStatus> {
  const bytes = Buffer.from(request.encode({ service: check.service }));
  return new Promise((resolve, reject) => {
    const call = client.makeUnaryRequest(
      `/${pkg}.Health/Check`,
      identity,
      identity,
      bytes,
      new GrpcMetadata(),
      { deadline: check.deadline },
      (error, value) => {
        check.signal?.removeEventListener('abort', onAbort);
        if (error) return reject(fromStatus(error, undefined, undefined));
        try {
          const { status } = response.decode(value ?? Buffer.alloc(0)) as { status?: unknown };
          resolve(status === 'SERVING' ? 'SERVING' : 'NOT_SERVING');
        } catch (e) {
          reject(e);
        }
      },
    );
    const onAbort = (): void => call.cancel();
    check.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
