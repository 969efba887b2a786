/** What each command takes, for `--help` and usage errors (kept apart so that help loads nothing else). */

export const CALL_USAGE = `interoffice call <url> <method> ['<json params>'] [options]
  params: a JSON object (by name) or array (positional); none for none
  a method that takes a stream (client or bidi) reads its inputs from stdin, one JSON value
  per line, until end of input: printf '1\n2\n3\n' | interoffice call <url> sum
  --timeout <ms>        deadline (30000)
  -H, --header k:v      request metadata, repeatable
  --stream              read the method as a server stream (found by itself when the server says)
  -v, --verbose         print response metadata to stderr
  --ca/--cert/--key <pem file>, --server-name <name>   TLS for grpcs://
  --auth-key-file <file>  shared key for socket URLs, read from a file (one trailing newline
                        ignored); or set INTEROFFICE_AUTH_KEY. --auth-key <key> works too, but
                        shows the key to every user of the machine (ps), so it is warned about
  --expect-owner <uid|any>  unix: the uid the socket must belong to (yours, or root's, by default)
  --transport <module>  a transport the CLI does not know, repeatable`;

export const LIST_USAGE = `interoffice list <url> [--json] [connection options as for call]
  gRPC: the services and methods server reflection reports
  other transports: the methods of the server's rpc.discover (OpenRPC) document
  --json   print the reflection summary or the OpenRPC document as JSON`;

export const INSPECT_USAGE = `interoffice inspect <url> [--port <n>] [--timeout <ms>] [connection options as for call]
  a web page on 127.0.0.1 (its address, with a random token, is printed) listing the server's
  methods, with a form for each: call them, see results, errors with their codes, response
  metadata, round-trip times and stream items as they arrive. Ctrl-C stops it.`;

export const PUBLISH_USAGE = `interoffice publish <url> <channel> <payload> [connection options]`;

export const SUBSCRIBE_USAGE = `interoffice subscribe <url> <channel> [--count <n>] [connection options]
  prints each payload on its own line (newlines inside a payload as \\n) until stopped,
  or until --count messages; prints "subscribed" to stderr once listening`;

export const GEN_USAGE = `interoffice gen <proto dir | file.proto> --out <dir> [--grpc-js] [--check]
    TypeScript from .proto files (compiled with buf, from npm): ts-proto message types
    (x.ts) and Interoffice service descriptors (x.interoffice.ts) for every transport
  --grpc-js   also ts-proto's stubs for bare @grpc/grpc-js, in <dir>/grpc-js/x.ts: binary
              encode/decode (@bufbuild/protobuf/wire), service definitions and clients
interoffice gen <module.js> --out <dir> [--service <name>]... [--check]
    the zod services a (built) module exports, as .proto files for other languages
    OpenRPC documents (x.openrpc.json) for the JSON transports, and OpenAPI 3.1
    documents (x.openapi.json) for HTTP
  --check   write nothing; exit 1 and name the files that differ from what would be generated`;

export const BENCH_USAGE = `interoffice bench <url> <method> ['<json params>'] [options]
    how fast a running server answers a unary method, through the ordinary client, on any URL
    call reaches: sequential calls (p50, p99), then calls kept in flight (calls/s)
  -n, --calls <n>       sequential calls (1000), after the warm-up
  --seconds <s>         or sequential calls for this long (and at most --calls, if given)
  -c, --concurrency <n> calls in flight in the throughput phase (64; 0 skips it)
  --duration <ms>       length of the throughput phase (3000; 0 skips it)
  --warmup <n>          calls before measuring (100)
  --timeout <ms>        deadline of each call (30000)
  -H, --header k:v      request metadata, repeatable
  --json <file>         write every figure as JSON (- for stdout)
  connection options as for call; progress goes to stderr`;
