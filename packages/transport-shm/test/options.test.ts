/** Options are checked when the transport is made, with errors that name the option. */
import type { Logger } from '@interoffice/core';
import { describe, expect, it } from 'vitest';
import { shmTransport } from '../src/index.js';

describe('shmTransport options', () => {
  it('refuse values the segment cannot hold', () => {
    expect(() => shmTransport({ ringBytes: 5000 })).toThrow(/ringBytes must be a power of two/);
    expect(() => shmTransport({ ringBytes: 1024 })).toThrow(/ringBytes must be an integer from 4096/);
    expect(() => shmTransport({ maxClients: 0 })).toThrow(/maxClients must be an integer from 1 to 4096/);
    expect(() => shmTransport({ spinMicros: -1 })).toThrow(/spinMicros must be from 0/);
    expect(() => shmTransport({ spinMicros: Number.NaN })).toThrow(/spinMicros/);
    // The options every transport has are checked by core, naming this transport.
    expect(() => shmTransport({ maxFrameBytes: 0 })).toThrow(/shmTransport: maxFrameBytes must be a whole number/);
    expect(() => shmTransport({ logger: { warn: () => {} } as unknown as Logger })).toThrow(
      /shmTransport: logger must have warn and error/,
    );
    expect(() => shmTransport({ ringBytes: 4096, maxClients: 1, spinMicros: 0 })).not.toThrow();
  });
});
