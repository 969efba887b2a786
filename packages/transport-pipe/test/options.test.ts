/** Options are checked when the transport is made, with errors that name the transport and the option. */
import type { Logger } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { pipeTransport } from '../src/index.js';

describe('pipeTransport options', () => {
  it('refuse values that cannot work', () => {
    // The options every transport has are checked by core, naming this transport.
    expect(() => pipeTransport({ maxFrameBytes: 10 })).toThrow(/pipeTransport: maxFrameBytes must be a whole number/);
    expect(() => pipeTransport({ logger: { warn: () => {} } as unknown as Logger })).toThrow(
      /pipeTransport: logger must have warn and error/,
    );
    expect(() => pipeTransport({ maxBufferedBytes: 0 })).toThrow(/pipeTransport: maxBufferedBytes must be a whole number ≥ 1/);
    expect(() => pipeTransport({ connectTimeoutMs: 1.5 })).toThrow(/pipeTransport: connectTimeoutMs/);
    expect(() => pipeTransport({ command: [] })).toThrow(/pipeTransport: command is the program and its arguments/);
    expect(() => pipeTransport({ stderr: 'pipe' as 'inherit' })).toThrow(/pipeTransport: stderr must be/);
    expect(() => pipeTransport({ command: ['node', 'alice.js'], connectTimeoutMs: 100, stderr: 'ignore' })).not.toThrow();
  });
});
