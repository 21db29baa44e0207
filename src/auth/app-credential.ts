// The certificate credential of app-only mode: the private key from a PEM file that only its
// owner may read (0600 or stricter), or from CASEFLOW_APP_CERT (the PEM text itself, for secret
// stores that hand secrets over in the environment). Never stored in the store. The thumbprint
// comes from the certificate when the PEM holds it too, else from auth.appCertificateThumbprint.
// https://learn.microsoft.com/entra/identity-platform/certificate-credentials

import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { UsageError } from '../errors.js';

export const APP_CERT_ENV = 'CASEFLOW_APP_CERT';

export interface AppCredential {
  /** PKCS#8 PEM of the private key (what msal-node signs the client assertion with). */
  privateKey: string;
  /** Hex, upper case: SHA-256 (64 digits) when known from the certificate, else as configured. */
  thumbprint: string;
  /** Where the key came from: a file path, or null for CASEFLOW_APP_CERT. */
  path: string | null;
  /** The certificate's subject and expiry, when the PEM holds it. */
  certificate: { subject: string; validTo: string } | null;
}

export interface CredentialInput {
  path: string | null;
  thumbprint: string | null;
  env: Record<string, string | undefined>;
  /**
   * Whether a thumbprint that is not the certificate's is an error (connect --app: the setting is
   * wrong) or gives way to the certificate (a later run: the file was renewed in place).
   */
  strict?: boolean;
}

const KEY_BLOCK = /-----BEGIN (?:RSA |ENCRYPTED |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |ENCRYPTED |EC )?PRIVATE KEY-----/;
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

const NEEDS = 'a PEM with the private key of the certificate uploaded to the app registration (openssl: -----BEGIN PRIVATE KEY-----), ideally followed by the certificate itself';

/** Refuses a key file anyone but its owner can read: the key is the firm's access to every mailbox in scope. */
function readKeyFile(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`the app certificate file ${path} cannot be read (${code})`, {
      hint: 'give the PEM file with the private key: --certificate FILE, or auth.appCertificatePath in the config file',
    });
  }
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`the app certificate file ${path} can be read by others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}): it holds the private key that reaches every mailbox in the app's scope`, {
      hint: `let only its owner read it: chmod 600 ${path}`,
    });
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`the app certificate file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      hint: `check that the user running caseflow-outlook owns ${path}`,
    });
  }
}

/** The key and thumbprint to sign in with, or exit 2 naming what is wrong and where. */
export function loadAppCredential(input: CredentialInput): AppCredential {
  const fromEnv = input.env[APP_CERT_ENV];
  let pem: string;
  let where: string;
  let path: string | null = null;
  if (fromEnv) {
    pem = fromEnv;
    where = APP_CERT_ENV;
    if (!pem.includes('-----BEGIN')) {
      throw new UsageError(`${APP_CERT_ENV} must hold ${NEEDS}, not a file name`, {
        hint: `give a file with --certificate FILE (or auth.appCertificatePath) instead, and unset ${APP_CERT_ENV}`,
      });
    }
  } else if (input.path) {
    path = input.path;
    pem = readKeyFile(path);
    where = `the app certificate file ${path}`;
  } else {
    throw new UsageError('app-only mode needs the certificate credential of the app registration: no key file is given and CASEFLOW_APP_CERT is unset', {
      hint: 'give the PEM file with the private key: caseflow-outlook connect --app --certificate FILE (or auth.appCertificatePath in the config file, or the PEM in CASEFLOW_APP_CERT)',
    });
  }
  const keyText = KEY_BLOCK.exec(pem)?.[0];
  if (!keyText) throw new UsageError(`${where} holds no private key: it must be ${NEEDS}`, { hint: 'export the key with the certificate, e.g. openssl pkcs12 -in cert.pfx -nodes -out app.pem' });
  if (keyText.includes('ENCRYPTED')) {
    throw new UsageError(`the private key in ${where} is protected by a passphrase, which caseflow-outlook cannot ask for unattended`, {
      hint: `store it without one, readable by its owner only: openssl pkey -in encrypted.pem -out app.pem && chmod 600 app.pem`,
    });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch (error) {
    throw new UsageError(`the private key in ${where} cannot be read (${(error as Error).message})`, { hint: `it must be ${NEEDS}` });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new UsageError(`the private key in ${where} is ${key.asymmetricKeyType ?? 'not RSA'}: Microsoft Entra ID certificate credentials need an RSA key`, {
      hint: 'make an RSA certificate, e.g. openssl req -x509 -newkey rsa:2048 -nodes -keyout app.pem -out app.crt -days 730, upload app.crt to the app registration',
    });
  }
  const certText = CERT_BLOCK.exec(pem)?.[0];
  let thumbprint = input.thumbprint;
  let certificate: AppCredential['certificate'] = null;
  if (certText) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certText);
    } catch (error) {
      throw new UsageError(`the certificate in ${where} cannot be read (${(error as Error).message})`, { hint: `it must be ${NEEDS}` });
    }
    if (!cert.checkPrivateKey(key)) {
      throw new UsageError(`the certificate in ${where} does not belong to its private key`, { hint: 'put the certificate uploaded to the app registration beside its own private key' });
    }
    const sha256 = createHash('sha256').update(cert.raw).digest('hex').toUpperCase();
    const sha1 = createHash('sha1').update(cert.raw).digest('hex').toUpperCase();
    if (thumbprint && thumbprint !== sha256 && thumbprint !== sha1 && input.strict !== false) {
      throw new UsageError(`auth.appCertificateThumbprint (${thumbprint}) is not the thumbprint of the certificate in ${where} (SHA-1 ${sha1})`, {
        hint: 'leave auth.appCertificateThumbprint out (the certificate in the file says it), or give that certificate\'s key file',
      });
    }
    thumbprint = sha256;
    certificate = { subject: cert.subject.replace(/\n/g, ', '), validTo: new Date(cert.validTo).toISOString() };
  }
  if (!thumbprint) {
    throw new UsageError(`${where} holds the private key but not the certificate, so its thumbprint is unknown`, {
      hint: 'append the certificate to the file (cat app.crt >> app.pem), or give its thumbprint from the app registration: --thumbprint HEX (auth.appCertificateThumbprint)',
    });
  }
  return { privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(), thumbprint, path, certificate };
}
