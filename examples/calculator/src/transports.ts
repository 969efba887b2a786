/** The transports the example programs know, and where Alice listens by default. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transport } from '@interoffice/core';
import { socketTransport } from '@interoffice/transport-socket';

export const transports: Transport[] = [socketTransport()];

/** Where the demo has Alice listen: one URL per transport (`$DIR` is a fresh temp folder). */
export interface DemoEndpoint {
  url: string;
  /** Whether this machine offers it now (e.g. a Redis answering); left out of the demo otherwise. */
  available?(): Promise<boolean>;
}

export const demoEndpoints: DemoEndpoint[] = [{ url: 'unix://$DIR/calc.sock' }, { url: 'tcp://127.0.0.1:0' }];

/** Alice's default address: a unix socket in the temp folder. */
export const defaultUrl = `unix://${join(tmpdir(), 'interoffice-calculator.sock')}`;

/** The values of every `--name value` in `args`. */
export function option(args: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && args[i + 1] !== undefined) out.push(args[++i] as string);
    else if (args[i]?.startsWith(`${name}=`)) out.push((args[i] as string).slice(name.length + 1));
  }
  return out;
}
