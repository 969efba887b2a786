// The other direction: an Interoffice service behind tRPC's HTTP adapter, so browsers can call it.
// Alice (examples/calculator) serves the Calculator on a unix socket; this gateway mounts it as a
// tRPC router and serves that over HTTP:
//
//   node --import ./register.mjs gateway.mjs [--connect <Alice's URL; her default socket if absent>] [--port 3000]
//   curl 'http://127.0.0.1:3000/add?input={"a":2,"b":5}'        → {"result":{"data":7}}
import { connect } from '@interoffice/core';
import { serviceRouter } from '@interoffice/trpc';
import { socketTransport } from '@interoffice/transport-socket';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { Calculator } from '../calculator/dist/service.js';
import { defaultUrl } from '../calculator/dist/transports.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const target = arg('--connect', defaultUrl);
const port = Number(arg('--port', '3000'));

const channel = await connect(target, { transports: [socketTransport()] });
// add and multiply only read: queries (GET, cacheable). divide and note stay mutations (POST);
// countdown, a server stream, is a subscription (server-sent events).
const calculatorRouter = serviceRouter(Calculator, channel, {
  queries: ['add', 'multiply'],
  // Forward who is asking, as Interoffice metadata.
  meta: ({ ctx }) => ({ 'x-forwarded-for': ctx.remoteAddress ?? 'unknown' }),
});

const http = createHTTPServer({
  router: calculatorRouter,
  createContext: ({ req }) => ({ remoteAddress: req.socket.remoteAddress }),
});
http.listen(port, '127.0.0.1', () => console.log(`ready http://127.0.0.1:${http.address().port}`));

process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
