/**
 * A self-signed certificate for 127.0.0.1 and localhost, generated once per process with the
 * openssl command line, for the ACR fake's TLS. Tests trust it through the client's own options
 * (`tlsOptions.ca`); nothing disables certificate verification.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSigned {
  /** PEM certificate (also the CA to trust). */
  cert: string;
  /** PEM private key. */
  key: string;
}

let pending: Promise<SelfSigned> | undefined;

/** The process's certificate for loopback (EC P-256, one day). */
export function loopbackCertificate(): Promise<SelfSigned> {
  pending ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'acr-fake-tls-'));
    try {
      await run('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ]);
      return { cert: await readFile(join(dir, 'cert.pem'), 'utf8'), key: await readFile(join(dir, 'key.pem'), 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return pending;
}
