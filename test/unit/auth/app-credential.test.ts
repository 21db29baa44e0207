// The app-only key: where it may come from, which files are refused and why, and where the
// thumbprint comes from. Real files in a temp folder, real keys and certificates.

import { generateKeyPairSync, createHash, X509Certificate } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppCredential } from '../../../src/auth/app-credential.js';
import { issueAppCertificate } from '../../../src/simulator/index.js';
import { refusal } from '../../helpers/refusal.js';

let dir: string;
let cert: { certPem: string; keyPem: string };
let sha1: string;
let sha256: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cfo-appkey-'));
  cert = await issueAppCertificate();
  const raw = new X509Certificate(cert.certPem).raw;
  sha1 = createHash('sha1').update(raw).digest('hex').toUpperCase();
  sha256 = createHash('sha256').update(raw).digest('hex').toUpperCase();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

describe('loadAppCredential', () => {
  it('a 0600 or 0400 file with key and certificate: the SHA-256 thumbprint of that certificate', () => {
    for (const mode of [0o600, 0o400]) {
      const c = loadAppCredential({ path: file(`ok-${mode.toString(8)}.pem`, cert.keyPem + cert.certPem, mode), thumbprint: null, env: {} });
      expect(c.thumbprint).toBe(sha256);
      expect(c.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(c.certificate?.subject).toContain('caseflow-outlook');
    }
    // The portal's SHA-1 thumbprint names the same certificate: accepted, SHA-256 used.
    expect(loadAppCredential({ path: join(dir, 'ok-600.pem'), thumbprint: sha1, env: {} }).thumbprint).toBe(sha256);
  });

  it('refuses a file its group or others may read, for each such bit, naming the mode and chmod 600', () => {
    for (const mode of [0o640, 0o604, 0o660, 0o644, 0o666]) {
      const path = file(`loose-${mode}.pem`, cert.keyPem + cert.certPem, mode);
      const e = refusal(() => loadAppCredential({ path, thumbprint: null, env: {} }));
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(`(mode 0${mode.toString(8)})`);
      expect(e.hint).toBe(`let only its owner read it: chmod 600 ${path}`);
    }
  });

  it('the key alone needs the thumbprint; a thumbprint that is not the certificate\'s is refused unless the file was renewed in place', () => {
    const bare = file('bare.pem', cert.keyPem);
    expect(refusal(() => loadAppCredential({ path: bare, thumbprint: null, env: {} })).hint).toMatch(/--thumbprint HEX/);
    expect(loadAppCredential({ path: bare, thumbprint: sha1, env: {} }).thumbprint).toBe(sha1);
    const both = file('both.pem', cert.keyPem + cert.certPem);
    expect(refusal(() => loadAppCredential({ path: both, thumbprint: 'AB'.repeat(20), env: {} })).message).toMatch(/is not the thumbprint of the certificate/);
    expect(loadAppCredential({ path: both, thumbprint: 'AB'.repeat(20), env: {}, strict: false }).thumbprint).toBe(sha256);
  });

  it('refuses what Entra ID cannot use or we cannot read unattended: EC keys, passphrases, a certificate of another key, no key', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(refusal(() => loadAppCredential({ path: file('ec.pem', ec), thumbprint: sha1, env: {} })).message).toMatch(/is ec: Microsoft Entra ID certificate credentials need an RSA key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const locked = rsa.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString();
    expect(refusal(() => loadAppCredential({ path: file('locked.pem', locked), thumbprint: sha1, env: {} })).message).toMatch(/protected by a passphrase/);
    const other = rsa.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(refusal(() => loadAppCredential({ path: file('mismatch.pem', other + cert.certPem), thumbprint: null, env: {} })).message).toMatch(/does not belong to its private key/);
    expect(refusal(() => loadAppCredential({ path: file('cert-only.pem', cert.certPem), thumbprint: null, env: {} })).message).toMatch(/holds no private key/);
    expect(refusal(() => loadAppCredential({ path: join(dir, 'missing.pem'), thumbprint: null, env: {} })).message).toMatch(/cannot be read \(ENOENT\)/);
  });

  it('CASEFLOW_APP_CERT holds the PEM text and wins over the file; a file name there is refused', () => {
    const c = loadAppCredential({ path: join(dir, 'missing.pem'), thumbprint: null, env: { CASEFLOW_APP_CERT: cert.keyPem + cert.certPem } });
    expect(c).toMatchObject({ path: null, thumbprint: sha256 });
    const e = refusal(() => loadAppCredential({ path: null, thumbprint: null, env: { CASEFLOW_APP_CERT: '/etc/app.pem' } }));
    expect(e.message).toMatch(/^CASEFLOW_APP_CERT must hold .*, not a file name$/);
    expect(refusal(() => loadAppCredential({ path: null, thumbprint: null, env: {} })).hint).toMatch(/connect --app --certificate FILE/);
  });
});
