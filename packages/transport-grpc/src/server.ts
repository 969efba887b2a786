/**
 * The server side: one grpc-js Server per listen URL, with a handler per
 * method of every service the dispatcher serves, the health service and
 * (unless turned off) server reflection.
 */
import { Server, type ServerCredentials } from '@grpc/grpc-js';
import { RpcError, type CallServer, type Listener } from '@interoffice/core';
import type { GrpcAddress } from './address.js';
import { serverCredentials } from './credentials.js';
import { streamHandler, unaryHandler, type ServerContext } from './handlers.js';
import { Health, healthDescriptor } from './health.js';
import { InFlight } from './in-flight.js';
import type { GrpcOptions } from './options.js';
import { bindService } from './proto/binding.js';
import { addReflection } from './reflection/server.js';

const identity = (b: Buffer): Buffer => b;

function bind(server: Server, target: string, creds: ServerCredentials, url: URL): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(target, creds, (error, port) => {
      if (error === null) return resolve(port);
      const inUse = /EADDRINUSE|address already in use/i.test(error.message);
      reject(
        new RpcError(inUse ? 'ALREADY_EXISTS' : 'UNAVAILABLE', `cannot listen on ${url.href}: ${error.message}`, {
          cause: error,
        }),
      );
    }),
  );
}

/** Serve the dispatcher's services at `url` (`grpc://host:port`, `grpcs://` with TLS). */
export async function listenGrpc(url: URL, address: GrpcAddress, dispatcher: CallServer, o: GrpcOptions): Promise<Listener> {
  const creds = serverCredentials(url, address, o);
  const bindings = dispatcher.services.map(bindService); // a zod type with no protobuf mapping fails here, named
  const server = new Server(o.grpcOptions);
  const bound = new URL(url.href); // its port, once bound
  const inFlight = new InFlight(o.maxCallsInFlight, (message) => o.logger.warn(`${bound.href}: ${message}`));
  const ctx: ServerContext = { dispatcher, logger: o.logger, inFlight };
  for (const b of bindings) {
    for (const [name, m] of b.methods) {
      const fullName = `${b.name}.${name}`;
      if (m.kind === 'bidiStream') server.register(m.path, streamHandler(m, fullName, ctx), identity, identity, 'bidi');
      else if (m.kind === 'clientStream')
        server.register(m.path, unaryHandler(m, fullName, ctx), identity, identity, 'clientStream');
      else if (m.kind === 'serverStream')
        server.register(m.path, streamHandler(m, fullName, ctx), identity, identity, 'serverStream');
      else server.register(m.path, unaryHandler(m, fullName, ctx), identity, identity, 'unary');
    }
  }
  const health = o.health ? new Health(bindings.map((b) => b.name)) : undefined;
  health?.addTo(server);
  if (o.reflection) addReflection(server, [...bindings.flatMap((b) => b.files), ...(health ? [healthDescriptor] : [])]);
  bound.port = String(await bind(server, address.target, creds, url));
  let closing: Promise<void> | undefined;
  return {
    url: bound,
    close() {
      closing ??= new Promise<void>((resolve) => {
        health?.shutdown();
        server.tryShutdown(() => resolve());
        // Core ends its own calls (after the grace it gives them); then whatever
        // else is open — reflection streams, health watches of unknown names — is
        // cut. grpc-js may never report a broken session closed (a TLS client on a
        // plain port): shortly after the cut, nothing is left to wait for.
        const force = (): void => {
          server.forceShutdown();
          setTimeout(resolve, 200).unref();
        };
        if (inFlight.count === 0) force();
        else inFlight.whenIdle(() => setTimeout(force, 20)); // let the last answers leave first
      });
      return closing;
    },
  };
}
