// A throwaway certificate authority (openssl CLI) and a certificate for 127.0.0.1 it signed, for TLS tests.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tmp.js';

export interface ThrowawayCa {
  dir: string;
  ca: string;
  /** Server (and route) certificate for 127.0.0.1 / localhost, usable as a client certificate too. */
  cert: string;
  key: string;
  remove(): void;
}

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function makeThrowawayCa(name = 'compartment-test-ca'): ThrowawayCa {
  const dir = tempDir('tls-ca-');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir.path,
  );
  openssl(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr'], dir.path);
  writeFileSync(
    join(dir.path, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3,DNS:localhost',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth,clientAuth',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      'server.ext',
      '-out',
      'server.crt',
    ],
    dir.path,
  );
  return {
    dir: dir.path,
    ca: join(dir.path, 'ca.crt'),
    cert: join(dir.path, 'server.crt'),
    key: join(dir.path, 'server.key'),
    remove: () => dir.remove(),
  };
}
