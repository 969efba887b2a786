import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FRAME_BYTES, resolveTransportOptions, stderrLogger } from '../src/index.js';

describe('resolveTransportOptions', () => {
  it('applies the defaults', () => {
    const o = resolveTransportOptions('testTransport', {});
    expect(o.maxFrameBytes).toBe(16 * 1024 * 1024);
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(16 * 1024 * 1024);
    expect(o.logger).toBe(stderrLogger);
  });

  it('keeps what it is given', () => {
    const logger = { warn: () => {}, error: () => {} };
    expect(resolveTransportOptions('t', { maxFrameBytes: 4096, logger })).toEqual({ maxFrameBytes: 4096, logger });
  });

  it('refuses a frame limit that is not a sensible whole number of bytes, naming the transport', () => {
    for (const bad of [0, -1, 63, 1.5, Number.NaN, Infinity]) {
      expect(() => resolveTransportOptions('socketTransport', { maxFrameBytes: bad })).toThrow(
        /^socketTransport: maxFrameBytes must be/,
      );
    }
  });

  it('refuses a logger without warn and error', () => {
    expect(() => resolveTransportOptions('t', { logger: { warn: () => {} } as never })).toThrow(
      /logger must have warn and error/,
    );
  });
});
