/**
 * Certificates on disk for servers the tests start that read them from files
 * (redis-server, nats-server): core's throwaway CA and server certificate for
 * 127.0.0.1, written into a folder.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCertificates as makeCertificateBuffers } from '@interoffice/core/conformance';

/** Certificate files for a TLS server: a CA, and a certificate it signed for 127.0.0.1. */
export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Make a throwaway CA and a server certificate for 127.0.0.1 (openssl), as files in `dir`. */
export async function makeCertificates(dir: string): Promise<TlsFiles> {
  const made = makeCertificateBuffers();
  const files: TlsFiles = { ca: join(dir, 'ca.crt'), cert: join(dir, 'server.crt'), key: join(dir, 'server.key') };
  writeFileSync(files.ca, made.ca);
  writeFileSync(files.cert, made.serverCert);
  writeFileSync(files.key, made.serverKey);
  return files;
}
