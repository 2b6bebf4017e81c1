// HTTPS for clients that hard-code Baidu's hosts (the official SDKs do: Go OPENAPIHOST, Java OPEN_API_DOMAIN).
// A local CA is created once under .preflight/tls (never committed) and signs a certificate for openapi.baidu.com,
// smartprogram.baidu.com, localhost and 127.0.0.1. Point the hosts at 127.0.0.1 and trust the CA
// (NODE_EXTRA_CA_CERTS=.preflight/tls/ca.pem, or the system store) and an unmodified SDK reaches the emulator.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export const BAIDU_HOSTS = ['openapi.baidu.com', 'smartprogram.baidu.com'];

export interface TlsMaterial {
  caPath: string;
  ca: string;
  key: string;
  cert: string;
}

export async function ensureCertificates(dir = path.resolve('.preflight', 'tls')): Promise<TlsMaterial> {
  const file = (n: string) => path.join(dir, n);
  if (!existsSync(file('server.pem'))) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const common = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' };
    const ca = await selfsigned.generate([{ name: 'commonName', value: 'baidu-tp-preflight local CA' }], {
      ...common, notAfterDate: new Date(Date.now() + 3 * 365 * 86_400_000),
      extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
    });
    const server = await selfsigned.generate([{ name: 'commonName', value: BAIDU_HOSTS[0] }], {
      ...common, notAfterDate: new Date(Date.now() + 365 * 86_400_000), ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'subjectAltName', altNames: [...BAIDU_HOSTS, 'localhost'].map((value) => ({ type: 2 as const, value })).concat([{ type: 7 as const, ip: '127.0.0.1' } as never]) },
        { name: 'extKeyUsage', serverAuth: true },
      ],
    });
    writeFileSync(file('ca.pem'), ca.cert);
    writeFileSync(file('ca-key.pem'), ca.private, { mode: 0o600 });
    writeFileSync(file('server-key.pem'), server.private, { mode: 0o600 });
    writeFileSync(file('server.pem'), server.cert);
    chmodSync(file('ca-key.pem'), 0o600);
  }
  return { caPath: file('ca.pem'), ca: readFileSync(file('ca.pem'), 'utf8'), key: readFileSync(file('server-key.pem'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8') };
}
