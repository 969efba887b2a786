/** bounded(): a closing step that may not wait for ever. */
import { describe, expect, it } from 'vitest';
import { bounded } from '../src/index.js';

describe('bounded', () => {
  it('resolves when the step settles, resolved or rejected, or after the bound, whichever is first; never rejects', async () => {
    let t = Date.now();
    await bounded(new Promise((r) => setTimeout(r, 10)), 5000);
    expect(Date.now() - t).toBeLessThan(1000);
    await expect(bounded(Promise.reject(new Error('no')), 5000)).resolves.toBeUndefined();
    t = Date.now();
    await bounded(new Promise(() => {}), 50); // a peer that never answers
    expect(Date.now() - t).toBeGreaterThanOrEqual(45);
    await expect(bounded(undefined, 5000)).resolves.toBeUndefined(); // no step to take
  });
});
