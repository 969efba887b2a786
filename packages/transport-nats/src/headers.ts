/**
 * The headers and subjects of the NATS wire format (docs/transports/nats.md#wire-format).
 * The body is always one JSON-RPC message as core wrote it; these carry what
 * the medium needs besides.
 */

/** Request: the calling connection's id; absent, each message is its own caller. */
export const CLIENT = 'Interoffice-Client';
/** Request: when the caller stops waiting (epoch ms); past it, a worker drops the request unrun. */
export const DEADLINE = 'Interoffice-Deadline';
/** Request (durable mode): the subject the answers go to (JetStream messages carry no reply subject). */
export const REPLY = 'Interoffice-Reply';
/** Reply: a stream item; the message without it is the last of its request. */
export const ITEM = 'Interoffice-Item';
/** Reply, bodiless: the request runs at this worker, which answers pings on `workerSubject(id)`. */
export const WORKER = 'Interoffice-Worker';

/** Headers that are not metadata: ours, and NATS's own (`Nats-Msg-Id`, `Nats-Expected-…`). */
export const OWN_HEADERS = ['interoffice-', 'nats-'] as const;

/** Where every worker of `subject` hears cancels and goodbyes. */
export const controlSubject = (subject: string): string => `_INTEROFFICE.control.${subject}`;
/** Where one worker answers the pings of callers whose requests it runs. */
export const workerSubject = (id: string): string => `_INTEROFFICE.worker.${id}`;
/** Where one worker of `subject`'s queue group answers a connecting client's ping. */
export const pingSubject = (subject: string): string => `_INTEROFFICE.ping.${subject}`;
/** The queue group of a subject's workers. */
export const QUEUE = 'interoffice';
