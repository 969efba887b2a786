/**
 * Whole numbers as decimal text, without V8's number-to-string cache.
 *
 * `String(n)` (and a template with `${n}`) keeps each result in a cache of
 * up to 16K strings that is a root for young-generation collections: with
 * call ids that count up, every collection copies the cached id strings
 * and promotes them, and the peer process waits through each pause. Built
 * from a table of three-digit strings instead, an id costs no more and
 * leaves nothing behind (bench/README.md, "Measured design choices").
 */

let small: string[] | undefined;
let padded: string[] | undefined;

/** `String(n)` for any number; integers from 0 to 10^12 skip the cache. */
export function decimalText(n: number): string {
  if (!(n >= 0 && n < 1e12 && Number.isInteger(n))) return String(n);
  if (small === undefined || padded === undefined) {
    small = Array.from({ length: 1000 }, (_, i) => String(i));
    padded = small.map((s) => s.padStart(3, '0'));
  }
  if (n < 1e3) return small[n] as string;
  if (n < 1e6) return (small[(n / 1e3) | 0] as string) + (padded[n % 1e3] as string);
  if (n < 1e9) {
    return (small[(n / 1e6) | 0] as string) + (padded[((n / 1e3) | 0) % 1e3] as string) + (padded[n % 1e3] as string);
  }
  const high = Math.floor(n / 1e9);
  const low = n - high * 1e9;
  return (
    (small[high] as string) +
    (padded[(low / 1e6) | 0] as string) +
    (padded[((low / 1e3) | 0) % 1e3] as string) +
    (padded[low % 1e3] as string)
  );
}
