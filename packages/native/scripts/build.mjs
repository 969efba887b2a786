// Builds the addon with the node-gyp that npm bundles, against the Node headers on this
// machine: nothing is downloaded. Run by `pnpm install` (this package's install script) and
// by the root build when the addon is missing or older than its sources. Linux only; elsewhere
// it explains and skips.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(dirname(fileURLToPath(import.meta.url)));
const addon = join(here, 'build', 'Release', 'interoffice_native.node');

if (process.platform !== 'linux') {
  console.warn(`@interoffice/native: not built: ${process.platform} is not supported (Linux only)`);
  process.exit(0);
}
// --if-missing: build only when the addon is missing or older than its sources.
function upToDate() {
  if (!existsSync(addon)) return false;
  const built = statSync(addon).mtimeMs;
  const sources = [join(here, 'binding.gyp'), ...readdirSync(join(here, 'native')).map((f) => join(here, 'native', f))];
  return sources.every((f) => statSync(f).mtimeMs <= built);
}
if (process.argv.includes('--if-missing') && upToDate()) process.exit(0);

function findNodeGyp() {
  const candidates = [
    process.env.NODE_GYP,
    // npm's own copy: <prefix>/lib/node_modules/npm/node_modules/node-gyp
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    const root = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    candidates.push(join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch {
    // no npm on PATH: the other candidates remain
  }
  const found = candidates.find((c) => c !== undefined && existsSync(c));
  if (found === undefined) throw new Error('cannot find node-gyp (npm bundles one); set NODE_GYP to its bin/node-gyp.js');
  return found;
}

function findNodeDir() {
  // The headers of the running Node: npm's nodedir setting, or where Debian puts them.
  for (const dir of [process.env.npm_config_nodedir, dirname(dirname(process.execPath)), '/usr']) {
    if (dir !== undefined && existsSync(join(dir, 'include', 'node', 'node_api.h'))) return dir;
  }
  throw new Error('cannot find the Node.js headers (include/node/node_api.h); set npm_config_nodedir');
}

execFileSync(process.execPath, [findNodeGyp(), 'rebuild', `--nodedir=${findNodeDir()}`, '--loglevel=warn'], {
  cwd: here,
  stdio: 'inherit',
});
if (!existsSync(addon)) throw new Error(`node-gyp finished but ${addon} is missing`);
