// Token caches at rest: AES-256-GCM with a key from CASEFLOW_OUTLOOK_KEY or a key file
// created 0600 beside the store. The staff id and what the secret is (a token cache, an access
// token) are bound in as associated data, so a secret copied onto another staff member's row, or
// into another column, does not decrypt.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ActionRequiredError, CliError, ExitCode, UsageError } from '../errors.js';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface KeySource {
  key: Buffer;
  source: 'env' | 'file';
  path?: string;
}

function decodeKey(raw: string, where: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(text) && key.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, ''))) {
    throw new UsageError(`${where} must be a 256-bit key: 64 hex characters or 44 base64 characters`, {
      hint: `set ${where} to the key in use when staff connected (a new one from openssl rand -base64 32 means connecting everyone again), or unset it to use the key file beside the store`,
    });
  }
  return key;
}

/** A damaged key file is not bad input to fix by making a new key: the old one must come back. */
function keyFromFile(path: string): Buffer {
  try {
    return decodeKey(readFileSync(path, 'utf8'), `key file ${path}`);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new CliError('store_unreadable', `cannot read the key file ${path} beside the store (${code})`, ExitCode.failure, {
        hint: `check the permissions of ${path}, or set CASEFLOW_OUTLOOK_KEY to the same key`,
        cause: error,
      });
    }
    throw new ActionRequiredError('wrong_key', `key file ${path} does not hold a 256-bit key (it is damaged or was replaced)`, {
      hint: 'restore the key file from a backup; without it, delete it and sign every staff member in again with connect --force',
    });
  }
}

export function keyFilePath(storePath: string): string {
  return `${storePath}.key`;
}

/**
 * The encryption key. With `create`, a missing key file is made (0600, atomically exclusive);
 * without it (reading commands), a missing key means there is nothing to decrypt yet.
 */
export function loadKey(env: Record<string, string | undefined>, storePath: string, create: boolean): KeySource | null {
  if (env.CASEFLOW_OUTLOOK_KEY) return { key: decodeKey(env.CASEFLOW_OUTLOOK_KEY, 'CASEFLOW_OUTLOOK_KEY'), source: 'env' };
  const path = keyFilePath(storePath);
  if (existsSync(path)) return { key: keyFromFile(path), source: 'file', path };
  if (!create) return null;
  const key = randomBytes(32);
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${key.toString('base64')}\n`);
    closeSync(fd);
    chmodSync(path, 0o600);
  } catch (error) {
    // Another process created it first: use theirs.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return loadKey(env, storePath, false);
    throw new CliError('store_not_writable', `cannot create the key file ${path} beside the store (${code ?? (error as Error).message})`, ExitCode.failure, {
      hint: `check the permissions of ${dirname(path)}, or set CASEFLOW_OUTLOOK_KEY (make one with: openssl rand -base64 32)`,
      cause: error,
    });
  }
  return { key, source: 'file', path };
}

/** What a sealed secret is: the MSAL token cache, or one access token taken from it. */
export type SecretKind = 'tokens' | 'access-token';

export function encrypt(plain: Buffer, key: Buffer, staffId: number, kind: SecretKind = 'tokens'): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`caseflow-outlook:${kind}:${staffId}`));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function decrypt(sealed: Buffer, key: Buffer, staffId: number, staffEmail: string, kind: SecretKind = 'tokens'): Buffer {
  const fail = () =>
    new ActionRequiredError(
      'wrong_key',
      `the saved sign-in of ${staffEmail} cannot be decrypted with this key (CASEFLOW_OUTLOOK_KEY or the key file beside the store)`,
      { hint: `use the key that was in place when ${staffEmail} connected, or sign in again: caseflow-outlook connect --staff ${staffEmail} --force` },
    );
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw fail();
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const body = sealed.subarray(1 + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(`caseflow-outlook:${kind}:${staffId}`));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw fail();
  }
}
