/**
 * The call-level seam (what gRPC implements), exercised by a transport that
 * calls the server's engine in-process, with a JSON round trip standing in
 * for the wire. It runs the conformance suite like any transport.
 */
import { runConformance } from '../src/conformance/index.js';
import { directTransport } from './examples/call-transport.js';

let n = 0;
runConformance({
  name: 'a call-level transport (in-process dispatcher)',
  transports: [directTransport()],
  maxFrameBytes: Number.MAX_SAFE_INTEGER,
  address: () => `direct://d${n++}`,
  skip: [
    {
      cases: ['wire-errors', 'malformed-frames', 'batch', 'oversized-frame'],
      reason: 'a call-level transport carries no JSON-RPC frames',
    },
    { cases: ['frame-limit'], reason: 'this in-process transport has no message size limit' },
    {
      cases: ['client-stream', 'bidi-stream', 'input-stream-cancel', 'flow-control', 'input-flow-control'],
      reason: "the README's worked call transport maps unary and server-stream calls only, to stay short",
    },
    {
      cases: ['resumable-stream'],
      reason: "the worked call transport, like gRPC, hands on a stream's items without their ids: nothing to resume after",
    },
    { cases: ['discover'], reason: 'rpc.discover is answered by the frame session; call transports list methods their own way' },
    {
      cases: ['health'],
      reason: 'rpc.health is answered by the frame session; a call transport checks health its own way (gRPC: grpc.health.v1)',
    },
  ],
});
