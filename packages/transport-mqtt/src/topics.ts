/**
 * The topics of one service (`calc`):
 *
 * - `calc` — requests. Workers subscribe `$share/<group>/calc`, so each
 *   request goes to one of them; any MQTT 5 client calls by publishing a
 *   JSON-RPC request here with a response topic (and correlation data).
 * - `calc/~replies/<client>` — one client's answers (its response topic).
 * - `calc/~control` — cancels and goodbyes from clients, to every worker.
 * - `calc/~workers/<worker>` — each live worker's retained presence,
 *   cleared by its will when it dies: clients know whether anyone serves.
 */
export interface Topics {
  readonly requests: string;
  readonly shared: string;
  readonly control: string;
  readonly workers: string;
  worker(id: string): string;
  replies(client: string): string;
}

export function topicsFor(service: string, group: string): Topics {
  return {
    requests: service,
    shared: `$share/${group}/${service}`,
    control: `${service}/~control`,
    workers: `${service}/~workers/+`,
    worker: (id) => `${service}/~workers/${id}`,
    replies: (client) => `${service}/~replies/${client}`,
  };
}
