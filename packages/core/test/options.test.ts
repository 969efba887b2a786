import { describe, expect, it } from 'vitest';
import { atLeast, DEFAULT_MAX_FRAME_BYTES, resolveTransportOptions, stderrLogger } from '../src/index.js';

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

describe('atLeast', () => {
  it('returns a number at or above the least, whole or not as asked', () => {
    expect(atLeast('t', 'n', 50, 50)).toBe(50);
    expect(atLeast('t', 'n', 1.5, 1)).toBe(1.5);
    expect(atLeast('t', 'n', 7, 1, true)).toBe(7);
  });

  it('refuses the rest, naming the owner, the option, the least and what it got', () => {
    for (const bad of [49, Number.NaN, Infinity, -Infinity]) {
      expect(() => atLeast('natsTransport', 'livenessMs', bad, 50)).toThrow(
        new TypeError(`natsTransport: livenessMs must be a number ≥ 50 (got ${bad})`),
      );
    }
    for (const bad of [0, 1.5, Infinity]) {
      expect(() => atLeast('amqpTransport', 'prefetch', bad, 1, true)).toThrow(
        new TypeError(`amqpTransport: prefetch must be a whole number ≥ 1 (got ${bad})`),
      );
    }
  });
});
