/**
 * `shm://<name>` URLs: the name picks the segment `/dev/shm/interoffice-<name>`.
 * Names are single file names (letters, digits, `_`, `.`, `-`): nothing in a
 * URL can reach outside /dev/shm.
 */

/** Every segment of this transport starts with this, so `ls /dev/shm` tells whose it is. */
export const SEGMENT_PREFIX = 'interoffice-';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/** The segment's file name under /dev/shm for `url`; a TypeError for anything else. */
export function segmentName(url: URL): string {
  if (url.protocol !== 'shm:') throw new TypeError(`not a shm URL: ${url.href}`);
  const name = url.host;
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || !NAME.test(name)) {
    throw new TypeError(
      `invalid shm URL ${url.href}: expected shm://<name>, the name 1–100 letters, digits, '_', '.' or '-' ` +
        '(not starting with "." or "-"), e.g. shm://calc',
    );
  }
  return SEGMENT_PREFIX + name;
}
