import { describe, expect, it } from 'vitest';
import { brokerAddress, requireName } from '../src/index.js';

const Q = { schemes: ['q', 'qs'], ports: [5000, 5001] } as const;

describe('broker URLs', () => {
  it('reads host, port, TLS, credentials and name', () => {
    const a = brokerAddress(new URL('qs://al%40x:p%3Ass@[::1]:7000/billing/in%20voices?x=1'), Q);
    expect(a).toMatchObject({
      host: '::1',
      port: 7000,
      tls: true,
      username: 'al@x',
      password: 'p:ss',
      name: 'billing/in voices',
    });
    expect(a.display.href).toBe('qs://al%40x@[::1]:7000/billing/in%20voices?x=1'); // no password
  });

  it('takes each scheme’s default port, and leaves absent parts undefined or empty', () => {
    expect(brokerAddress(new URL('q://h'), Q)).toMatchObject({
      port: 5000,
      tls: false,
      name: '',
      username: undefined,
      password: undefined,
    });
    expect(brokerAddress(new URL('qs://h/'), Q)).toMatchObject({ port: 5001, tls: true, name: '' });
  });

  it('says what is wrong with a URL that is not one', () => {
    expect(() => brokerAddress(new URL('redis://h/calc'), Q)).toThrow('not a q URL: redis://h/calc');
    expect(() => brokerAddress(new URL('q:///calc'), Q)).toThrow(/q URLs need a host, as in q:\/\/127\.0\.0\.1:5000\/calc/);
  });

  it('a call needs a name; the error shows the URL without its password', () => {
    const a = brokerAddress(new URL('q://u:secret@h:1/'), Q);
    expect(() => requireName(a, Q, "the service's queue")).toThrow(
      "q URLs for calls name the service's queue, as in q://127.0.0.1:5000/calc (got q://u@h:1/)",
    );
    expect(requireName(brokerAddress(new URL('q://h/calc'), Q), Q, 'x')).toBe('calc');
  });
});
