import { runConformance } from '@interoffice/core/conformance';
import { grpcTransport } from '../src/index.js';

const maxFrameBytes = 2 * 1024 * 1024;

runConformance({
  name: 'grpc',
  transports: [grpcTransport({ maxFrameBytes, logger: { warn: () => {}, error: () => {} } })],
  maxFrameBytes,
  address: () => 'grpc://127.0.0.1:0',
  skip: [
    {
      cases: ['client-stream', 'bidi-stream', 'input-stream-cancel'],
      reason:
        'client and bidi streams over gRPC are not built yet (issue #14): the exported .proto declares them, and calls are answered UNIMPLEMENTED (test/streams.test.ts)',
    },
    {
      cases: ['flow-control'],
      reason:
        "gRPC's flow control is HTTP/2's, counted in bytes (a 64 KiB window holds thousands of small items), not in items; the writer waits when it is full (stream-sink.ts, test/faults.test.ts)",
    },
    {
      cases: ['wire-errors', 'malformed-frames', 'batch', 'oversized-frame'],
      reason:
        'gRPC carries protobuf messages, not JSON-RPC frames (bytes that are not the request message: test/interop.test.ts)',
    },
    {
      cases: ['discover'],
      reason: 'gRPC lists its methods through server reflection, not rpc.discover (test/health-reflection.test.ts)',
    },
    {
      cases: ['unicode-payload'],
      reason:
        'protobuf strings are UTF-8, which cannot hold the lone surrogate in its text (test/payloads.test.ts: the rest crosses, the surrogate is refused)',
    },
  ],
});
