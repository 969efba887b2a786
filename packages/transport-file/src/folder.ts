/**
 * The folder of a shared file must be one whose files only trusted users
 * can replace: a real directory (not a symlink), owned by this process's
 * user or by root, and not writable by others. A group may share it (a
 * group-writable folder is a deliberate choice); anyone else could swap
 * `shared.json` or its temporary file for a link to a file of their choosing,
 * or read what callers write. Checked by servers and clients alike;
 * anything else is refused rather than "fixed".
 */
import { lstatSync, type Stats } from 'node:fs';

/** Why `dir` cannot be trusted with a shared file, or undefined when it can. */
export function untrustedFolder(dir: string): string | undefined {
  let info: Stats;
  try {
    info = lstatSync(dir);
  } catch (e) {
    return `cannot use ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  if (!info.isDirectory()) return `${dir} is not a folder (a symbolic link, or a file): refusing to use it`;
  const uid = process.geteuid?.();
  if (uid !== undefined && info.uid !== uid && info.uid !== 0) {
    return `${dir} belongs to uid ${info.uid}, not to this user (uid ${uid}) or root: its owner could replace the shared file; refusing to use it`;
  }
  if ((info.mode & 0o002) !== 0) {
    const mode = (info.mode & 0o7777).toString(8).padStart(4, '0');
    return `${dir} has mode ${mode}: anyone may replace files in it; make it private (chmod o-w) or use another folder`;
  }
  return undefined;
}
