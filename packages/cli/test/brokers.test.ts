/**
 * The CLI on the brokers' URLs, as real processes against the fixture server
 * in its own process and the brokers running on this machine: call (unary and
 * a server stream), list (rpc.discover), publish and subscribe.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { bin, cli, killChildren, server, start } from './helpers.js';

afterEach(killChildren);
// The work queue the fixture's worker declared (durable) stays on the shared broker unless deleted.
afterAll(() => {
  try {
    execFileSync('rabbitmqctl', ['delete_queue', queue], { stdio: 'ignore' });
  } catch {
    // no rabbitmqctl here: the queue stays, empty
  }
});

const queue = `io-cli-${process.pid}`;
const brokers = [
  { name: 'RabbitMQ', url: `amqp://127.0.0.1/${queue}` },
  { name: 'NATS', url: `nats://127.0.0.1:4222/${queue}` },
  // One name for every run: a JetStream stream outlives its workers (on disk), so a name per run would pile up.
  // Two suites at once share it harmlessly: their workers are the same fixture.
  { name: 'NATS JetStream', url: 'nats://127.0.0.1:4222/io-cli-durable?mode=durable' },
];

for (const { name, url } of brokers) {
  describe(`interoffice on ${name} (${url})`, () => {
    it('calls, streams and lists', async () => {
      await server(url);
      expect(await cli(['call', url, 'add', '{"a": 2, "b": 5}'])).toMatchObject({ status: 0, stdout: '7\n' });
      expect(await cli(['call', url, 'countdown', '{"from": 2}'])).toMatchObject({ status: 0, stdout: '2\n1\n0\n' });
      const divide = await cli(['call', url, 'divide', '[1, 0]']);
      expect([divide.status, divide.stderr]).toEqual([64 + 3, 'INVALID_ARGUMENT: division by zero\n']);
      const list = await cli(['list', url]);
      expect(list.stdout.split('\n')).toContain('calc.Calculator.add(a: number, b: number) → number    a + b');
    });

    it('publishes and subscribes on the broker', async () => {
      const sub = await start([bin, 'subscribe', url, `news-${process.pid}`, '--count', '1'], /(subscribed)/, 1, 'stderr');
      expect(await cli(['publish', url, `news-${process.pid}`, `through ${name}`])).toMatchObject({ status: 0 });
      // It may have exited already (count 1): then 'exit' will not come again.
      if (sub.child.exitCode === null) await new Promise((resolve) => sub.child.once('exit', resolve));
      expect(sub.output()).toBe(`subscribed\nthrough ${name}\n`);
    });
  });
}
