/**
 * The stream windows a transport runs with: its own where it gives them (a frame transport, or a
 * message transport whose grants take a broker round trip), core's for a call transport.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOWS, streamWindows, type Transport } from '../src/index.js';

const own = { items: 8, inputs: 4 };
const stub = { schemes: ['x'], maxFrameBytes: 1024 } as const;

describe('streamWindows', () => {
  it("takes a frame or message transport's own windows, and core's where it gives none", () => {
    expect(streamWindows({ ...stub, windows: own } as unknown as Transport)).toEqual(own);
    expect(streamWindows({ ...stub, kind: 'frames', windows: own } as unknown as Transport)).toEqual(own);
    expect(streamWindows({ ...stub, kind: 'messages', windows: own } as unknown as Transport)).toEqual(own);
    expect(streamWindows({ ...stub, kind: 'messages' } as unknown as Transport)).toBe(DEFAULT_WINDOWS);
  });

  it("gives a call transport core's windows: its medium has flow control of its own", () => {
    expect(streamWindows({ ...stub, kind: 'calls', windows: own } as unknown as Transport)).toBe(DEFAULT_WINDOWS);
  });
});
