/**
 * One id begins every queue name of this run (the broker is shared with
 * other engineers and runs); at the end, what this run left on the broker
 * (quorum queues, queues of killed workers) is deleted.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    runId: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const runId = `t${randomBytes(4).toString('hex')}`;
  project.provide('runId', runId);
  return async () => {
    let names: string[];
    try {
      names = execFileSync('rabbitmqctl', ['list_queues', '--quiet', '--no-table-headers', 'name'], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim())
        .filter((n) => n.startsWith(`io-${runId}-`));
    } catch {
      return; // no rabbitmqctl here: leave them
    }
    const model = await connect(process.env.AMQP_URL ?? 'amqp://127.0.0.1');
    for (const name of names) {
      const ch = await model.createChannel();
      ch.on('error', () => {});
      await ch.deleteQueue(name).catch(() => {});
      await ch.close().catch(() => {});
    }
    await model.close();
  };
}
