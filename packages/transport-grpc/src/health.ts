/**
 * The standard health service, grpc.health.v1.Health (Check and Watch), so
 * load balancers, Kubernetes probes and grpc_health_probe see the server:
 * SERVING for '' (the whole server) and for every service it serves, until
 * the server begins to close; NOT_FOUND for any other name.
 */
import {
  status as Status,
  type sendUnaryData,
  type Server,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { messageCodec, type MessageCodec } from './proto/codec.js';
import { message, toFileDescriptor, type FileModel } from './proto/model.js';
import { registryOf } from './proto/registry.js';

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
