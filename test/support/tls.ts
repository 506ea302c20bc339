/** A self-signed certificate for 127.0.0.1 (openssl), for fakes that must speak https. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** The certificate base64-encoded, as a kubeconfig's certificate-authority-data holds it. */
  caData: string;
}

/** Creates a key and a self-signed certificate valid for 127.0.0.1 and localhost. */
export function selfSignedCertificate(): TestCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
      '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    const certPem = readFileSync(cert, 'utf8');
    return { key: readFileSync(key, 'utf8'), cert: certPem, caData: Buffer.from(certPem).toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
