// The simulator's own certificate authority, made with @peculiar/x509 on Node's WebCrypto: MSAL
// insists on https (`authority_uri_insecure`) and the Graph client attaches the bearer token to
// https URLs only, so the simulator must speak real TLS. A user trusts it once with
// NODE_EXTRA_CA_CERTS=<caDir>/ca.pem (read by Node at process start).
import { webcrypto, createPrivateKey } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface CaMaterial {
  dir: string;
  certPath: string;
  certPem: string;
  keyPem: string;
}

export interface LeafMaterial {
  certPem: string;
  keyPem: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function toPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, EC, false, ['sign']);
}

async function generateCa(): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=caseflow-outlook simulator CA, O=caseflow-outlook (local testing only)',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: SIGN,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await toPem(keys.privateKey) };
}

function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

/**
 * Reuses `<dir>/ca.pem` + `<dir>/ca-key.pem` when both exist, otherwise generates them (dir 0700,
 * key 0600). Concurrent callers on the same dir (parallel test workers) are serialised by an
 * exclusive lock file so the pair can never be mismatched.
 */
export async function ensureCa(dir: string): Promise<CaMaterial> {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca-key.pem');
  const read = async (): Promise<CaMaterial> => ({
    dir,
    certPath,
    certPem: await readFile(certPath, 'utf8'),
    keyPem: await readFile(keyPath, 'utf8'),
  });
  if ((await exists(certPath)) && (await exists(keyPath))) return read();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const lockPath = join(dir, '.ca.lock');
  const lock = await acquireLock(lockPath);
  try {
    if ((await exists(certPath)) && (await exists(keyPath))) return read();
    const { certPem, keyPem } = await generateCa();
    await writeFile(`${keyPath}.tmp`, keyPem, { mode: 0o600 });
    await writeFile(`${certPath}.tmp`, certPem, { mode: 0o644 });
    await rename(`${keyPath}.tmp`, keyPath);
    await rename(`${certPath}.tmp`, certPath);
    return { dir, certPath, certPem, keyPem };
  } finally {
    await lock.close();
    await rm(lockPath, { force: true });
  }
}

async function acquireLock(path: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await open(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 200) throw error;
      // Another process is generating the pair right now: it takes milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** A fresh server certificate for 127.0.0.1 and localhost, signed by the CA (kept in memory). */
export async function issueLeaf(ca: CaMaterial): Promise<LeafMaterial> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importKey(ca.keyPem);
  const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=127.0.0.1',
    issuer: caCert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: SIGN,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' },
        { type: 'dns', value: 'localhost' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await toPem(keys.privateKey) };
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;

/**
 * A self-signed RSA certificate and its private key, as an admin makes one for an app
 * registration's certificate credential (`openssl req -x509 -newkey rsa:2048 ...`): for the
 * simulator's app-only mode and its tests. PEM; the key is PKCS#8.
 */
export async function issueAppCertificate(subject = 'CN=caseflow-outlook app-only (simulator)'): Promise<LeafMaterial> {
  const keys = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: RSA,
    keys,
  });
  return { certPem: cert.toString('pem'), keyPem: await toPem(keys.privateKey) };
}
