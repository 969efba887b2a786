/**
 * Before any test: the Python peers (interop tests in several packages) run
 * on /usr/bin/python3 with Debian's modules. Without them those tests fail,
 * one by one, with ModuleNotFoundError; say once, first, what to install.
 * (A warning, not a stop: tests without Python peers still run.) `.ci/run`
 * installs them.
 */
import { execFileSync } from 'node:child_process';

const MODULES: Record<string, string> = {
  grpc: 'python3-grpcio',
  grpc_tools: 'python3-grpc-tools',
  redis: 'python3-redis',
  filelock: 'python3-filelock',
  pika: 'python3-pika',
  'paho.mqtt': 'python3-paho-mqtt',
  websockets: 'python3-websockets',
  'google.protobuf': 'python3-protobuf',
};

export default function setup(): void {
  // One interpreter for all of them: it prints the modules it cannot import.
  const probe = `import importlib\nfor m in ${JSON.stringify(Object.keys(MODULES))}:\n    try: importlib.import_module(m)\n    except Exception: print(m)`;
  let missingNames: string[];
  try {
    missingNames = execFileSync('/usr/bin/python3', ['-c', probe], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    missingNames = Object.keys(MODULES); // no /usr/bin/python3 at all
  }
  const missing = Object.entries(MODULES).filter(([module]) => missingNames.includes(module));
  if (missing.length > 0) {
    const packages = missing.map(([, p]) => p).join(' ');
    process.stderr.write(
      `\nWARNING: the Python interop tests will fail: /usr/bin/python3 lacks ${missing.map(([m]) => m).join(', ')}.\n` +
        `Install them with: apt-get install -y ${packages} (.ci/run does)\n\n`,
    );
  }
}
