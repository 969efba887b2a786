/**
 * The names on the wire (docs/transports/amqp.md#wire-format): the headers a
 * request carries besides its body, and the control messages — cancels and
 * goodbyes — that reach every worker of a queue through one exchange.
 */

/** Where replies go: RabbitMQ's direct reply-to pseudo-queue. */
export const REPLY_TO = 'amq.rabbitmq.reply-to';
/** The direct exchange of control messages; the routing key is the work queue's name. */
export const CONTROL_EXCHANGE = 'interoffice.control';
/** The caller's id: its call ids are its own. Callers without it (a stock client) are known by their `reply_to`. */
export const CALLER = 'interoffice-caller';
/** When the caller sent the request (epoch ms, the caller's clock): the time spent in the queue is taken off its deadline. */
export const SENT_AT = 'interoffice-sent-at';
/** Headers that are not metadata: ours, and those RabbitMQ adds (dead-lettering, quorum delivery counts). */
export const OWN_HEADERS = ['interoffice-', 'x-death', 'x-first-death-', 'x-last-death-', 'x-delivery-count'] as const;
