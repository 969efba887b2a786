/** Outside Linux the transport refuses clearly, at connect and listen, rather than failing obscurely. */
import { connect, serve } from '@interoffice/core';
import { afterEach, describe, expect, it } from 'vitest';
import { shmTransport, unsupported } from '../src/index.js';
import { calculator } from './helpers.js';

const real = Object.getOwnPropertyDescriptor(process, 'platform') as PropertyDescriptor;
afterEach(() => Object.defineProperty(process, 'platform', real));

describe('on platforms other than Linux', () => {
  it('connect and listen fail with FAILED_PRECONDITION: not supported on this platform', async () => {
    const transports = [shmTransport()]; // making the transport works anywhere: it may sit in a list
    for (const platform of ['darwin', 'win32']) {
      Object.defineProperty(process, 'platform', { value: platform });
      const expected = {
        code: 'FAILED_PRECONDITION',
        message: expect.stringContaining(`not supported on this platform (${platform})`),
      };
      await expect(connect('shm://calc', { transports })).rejects.toMatchObject(expected);
      await expect(serve(calculator(), { listen: ['shm://calc'], transports })).rejects.toMatchObject(expected);
    }
  });

  it('the check itself', () => {
    expect(unsupported('linux')).toBeUndefined();
    expect(unsupported('freebsd')?.message).toMatch(/needs Linux/);
  });
});
