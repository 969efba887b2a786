import { describe, expect, it } from 'vitest';
import { readTransportLine, transportLine } from '../src/ndjson/index.js';

describe('transport lines', () => {
  it('are written in JSON-RPC shape, members in a fixed order (peers in other languages match these bytes)', () => {
    expect(transportLine('rpc.fifo.open', { id: 'x' })).toBe('{"jsonrpc":"2.0","method":"rpc.fifo.open","params":{"id":"x"}}');
    expect(transportLine('rpc.fifo.ready')).toBe('{"jsonrpc":"2.0","method":"rpc.fifo.ready"}');
    expect(transportLine('rpc.discover', undefined, 'probe')).toBe('{"jsonrpc":"2.0","id":"probe","method":"rpc.discover"}');
  });

  it('are read back; anything but a JSON object reads as undefined', () => {
    expect(readTransportLine('{"jsonrpc":"2.0","id":"a","method":"m","params":{"k":1}}')).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      method: 'm',
      params: { k: 1 },
    });
    for (const line of ['', 'not json', '[1,2]', 'null', '7', '"text"', '{"jsonrpc":'])
      expect(readTransportLine(line)).toBeUndefined();
  });
});
