// One pure resolver for every setting (config.example.json documents each): flag > environment >
// config file > default.
// It also says where each value came from, so `--verbose` can explain a surprising setting.

import { closest } from '../suggest.js';
import { UsageError } from '../errors.js';

export interface Settings {
  'store.path': string;
  'auth.clientId': string | null;
  'auth.tenantId': string;
  'auth.authorityHost': string;
  'auth.appCertificatePath': string | null;
  'auth.appCertificateThumbprint': string | null;
  'graph.baseUrl': string;
  'graph.requestsPer10Minutes': number;
  'sync.intervalSeconds': number;
  'sync.horizonDays': number;
  'sync.confidentialSensitivity': 'confidential' | 'private';
  'sync.maxDeletesPerRun': number;
  'sync.maxRequestsInFlightPerMailbox': number;
  'sync.protectedTitle': 'keep' | 'category' | 'busy';
  'daemon.concurrency': number;
  'daemon.quietSeconds': number;
}
export type SettingKey = keyof Settings;
export type Source = 'flag' | 'env' | 'file' | 'default';

export interface Resolved {
  settings: Settings;
  sources: Record<SettingKey, Source>;
}

export interface ResolveInput {
  /** Values from command-line flags, already keyed by setting (undefined = not given). */
  flags: Partial<Record<SettingKey, unknown>>;
  env: Record<string, string | undefined>;
  /** The parsed config file (nested JSON as in config.example.json), or null when there is none. */
  file: unknown;
  /** For messages: the config file's path. */
  fileName?: string | undefined;
  /** Directory defaults derive from (XDG). */
  home: string;
}

/** Where a value came from: messages name it, hints say how to fix it there. */
interface Origin {
  source: Exclude<Source, 'default'>;
  /** The flag (`--interval`), the variable (`CASEFLOW_GRAPH_URL`) or the key (`sync.horizonDays`). */
  name: string;
  file?: string;
}

type Parsed = { ok: true; value: unknown } | { ok: false; why?: string };

interface Check {
  /** What is allowed, in words: "a whole number from 1 to 1825". */
  expected: string;
  /** The JSON type a config file must use; flags and variables are text and are parsed. */
  jsonType: 'number' | 'string';
  parse: (value: unknown) => Parsed;
}

function httpsUrl(example: string): Check {
  return {
    expected: `an https URL such as ${example}`,
    jsonType: 'string',
    parse: (value) => {
      if (typeof value !== 'string') return { ok: false };
      let url: URL;
      try {
        url = new URL(value.trim());
      } catch {
        return { ok: false, why: 'which is not a URL' };
      }
      // Microsoft sign-in and Graph only speak TLS; a token must never travel in clear.
      if (url.protocol !== 'https:') return { ok: false, why: 'which is not https' };
      return { ok: true, value: value.trim().replace(/\/+$/, '') };
    },
  };
}

function nonEmpty(what: string): Check {
  return {
    expected: `a non-empty ${what}`,
    jsonType: 'string',
    parse: (value) => (typeof value === 'string' && value.trim() !== '' ? { ok: true, value: value.trim() } : { ok: false }),
  };
}

/** A certificate thumbprint as the portal or openssl shows it: hex, SHA-1 (40) or SHA-256 (64), colons allowed. */
function thumbprint(): Check {
  return {
    expected: 'a certificate thumbprint: 40 (SHA-1) or 64 (SHA-256) hex digits',
    jsonType: 'string',
    parse: (value) => {
      if (typeof value !== 'string') return { ok: false };
      const hex = value.replace(/[\s:]/g, '');
      return /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex) ? { ok: true, value: hex.toUpperCase() } : { ok: false };
    },
  };
}

function integer(min: number, max: number): Check {
  return {
    expected: `a whole number from ${min} to ${max}`,
    jsonType: 'number',
    parse: (value) => {
      const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max ? { ok: true, value: n } : { ok: false };
    },
  };
}

function oneOf(...allowed: string[]): Check {
  return {
    expected: `one of ${allowed.join(', ')}`,
    jsonType: 'string',
    parse: (value) => (typeof value === 'string' && allowed.includes(value) ? { ok: true, value } : { ok: false }),
  };
}

interface KeySpec {
  env?: string;
  check: Check;
  /** A good value, shown in hints. */
  example: string | number;
  default: (home: string, env: Record<string, string | undefined>) => unknown;
}

function xdgData(home: string, env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : `${home}/.local/share`;
  return `${base}/caseflow-outlook/store.db`;
}

export const SPECS: Record<SettingKey, KeySpec> = {
  'store.path': { env: 'CASEFLOW_DB', check: nonEmpty('file path'), example: '/var/lib/caseflow-outlook/store.db', default: xdgData },
  'auth.clientId': { env: 'CASEFLOW_CLIENT_ID', check: nonEmpty('application (client) id'), example: '00000000-0000-0000-0000-000000000000', default: () => null },
  'auth.tenantId': { check: nonEmpty('tenant id or domain'), example: 'organizations', default: () => 'organizations' },
  'auth.authorityHost': {
    env: 'CASEFLOW_AUTHORITY_HOST',
    check: httpsUrl('https://login.microsoftonline.com'),
    example: 'https://login.microsoftonline.com',
    default: () => 'https://login.microsoftonline.com',
  },
  // App-only mode (connect --app): the PEM file with the private key (and usually the certificate),
  // and the certificate's thumbprint when the file holds the key alone.
  'auth.appCertificatePath': { check: nonEmpty('file path'), example: '/etc/caseflow-outlook/app.pem', default: () => null },
  'auth.appCertificateThumbprint': { check: thumbprint(), example: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', default: () => null },
  'graph.baseUrl': { env: 'CASEFLOW_GRAPH_URL', check: httpsUrl('https://graph.microsoft.com'), example: 'https://graph.microsoft.com', default: () => 'https://graph.microsoft.com' },
  // Outlook allows 10,000 requests per mailbox per 10 minutes, shared with other apps using the
  // mailbox: https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
  'graph.requestsPer10Minutes': { check: integer(10, 10_000), example: 10_000, default: () => 10_000 },
  // The daemon's cycle reads every mailbox once: not more often than every 30 s, not less than daily.
  'sync.intervalSeconds': { check: integer(30, 86_400), example: 300, default: () => 300 },
  'sync.horizonDays': { check: integer(1, 1_825), example: 365, default: () => 365 },
  'sync.confidentialSensitivity': { check: oneOf('confidential', 'private'), example: 'confidential', default: () => 'confidential' },
  'sync.maxDeletesPerRun': { check: integer(0, 100_000), example: 25, default: () => 25 },
  // Outlook allows 4 concurrent requests per app per mailbox; more would only be throttled:
  // https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
  'sync.maxRequestsInFlightPerMailbox': { check: integer(1, 4), example: 4, default: () => 4 },
  // What a confidential item's Outlook copy is titled: its real title, its category's name, or "Busy".
  'sync.protectedTitle': { check: oneOf('keep', 'category', 'busy'), example: 'busy', default: () => 'keep' },
  'daemon.concurrency': { check: integer(1, 64), example: 4, default: () => 4 },
  // How long the store must stay quiet after a CaseFlow edit before the daemon pushes it, so a
  // burst of edits goes out in one run.
  'daemon.quietSeconds': { check: integer(0, 60), example: 2, default: () => 2 },
};

/** A JSON value in a few words, for "got ..." in messages. */
function described(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${JSON.stringify(value)}`;
}

/** `"sync": {"horizonDays": 365}`: how a key is written in the config file. */
function asJson(key: string, value: unknown): string {
  const [section, name] = key.split('.') as [string, string];
  return `"${section}": {"${name}": ${JSON.stringify(value)}}`;
}

/** Validates one value from where it came, or refuses it naming the place, the key and what is allowed. */
function validate(key: SettingKey, value: unknown, origin: Origin): unknown {
  const { check, example } = SPECS[key];
  if (origin.source === 'file') {
    const file = origin.file!;
    const fix = { hint: `fix ${key} in ${file}, e.g. ${asJson(key, example)}` };
    // A file holds JSON: "365" is text, not a number, and is refused like an unknown key.
    if (typeof value !== check.jsonType) {
      throw new UsageError(`config file ${file}: ${key} must be a JSON ${check.jsonType}, ${check.expected} (got ${described(value)})`, fix);
    }
    const parsed = check.parse(value);
    if (!parsed.ok) throw new UsageError(`config file ${file}: ${key} must be ${check.expected} (got ${JSON.stringify(value)}${parsed.why ? `, ${parsed.why}` : ''})`, fix);
    return parsed.value;
  }
  const parsed = check.parse(value);
  if (parsed.ok) return parsed.value;
  const got = `(got ${JSON.stringify(typeof value === 'string' ? value : String(value))}${parsed.why ? `, ${parsed.why}` : ''})`;
  if (origin.source === 'env') {
    throw new UsageError(`environment variable ${origin.name} must be ${check.expected} ${got}`, {
      hint: `fix or unset ${origin.name}, e.g. ${origin.name}=${example}`,
    });
  }
  throw new UsageError(`${origin.name} must be ${check.expected} ${got}`, { hint: `give ${origin.name} ${check.expected}, e.g. ${origin.name} ${example}` });
}

export const SETTING_KEYS = Object.keys(SPECS) as SettingKey[];

/** The closest allowed key to a misspelt one (edit distance at most 3), for "did you mean". */
function closestKey(key: string): SettingKey | null {
  return closest(key, SETTING_KEYS, 3) ?? null;
}

const SECTIONS = [...new Set(Object.keys(SPECS).map((k) => k.split('.')[0]!))];

/** Flattens `{"sync":{"horizonDays":90}}` to `sync.horizonDays`, refusing unknown keys. */
export function flattenFile(file: unknown, fileName: string): Partial<Record<SettingKey, unknown>> {
  if (file === null || file === undefined) return {};
  if (typeof file !== 'object' || Array.isArray(file)) {
    throw new UsageError(`config file ${fileName}: the top level must be a JSON object such as {${asJson('sync.horizonDays', 365)}} (got ${described(file)})`, {
      hint: `fix ${fileName}: one object with the sections ${SECTIONS.join(', ')} (config.example.json shows every key)`,
    });
  }
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const [section, body] of Object.entries(file as Record<string, unknown>)) {
    if (section === '$comment' || section.startsWith('//')) continue;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      const keys = SETTING_KEYS.filter((k) => k.startsWith(`${section}.`));
      const allowed = keys.length ? `its keys: ${keys.join(', ')}` : `allowed sections: ${SECTIONS.join(', ')}`;
      throw new UsageError(`config file ${fileName}: "${section}" must be a JSON object (got ${described(body)}); ${allowed}`, {
        hint: `fix "${section}" in ${fileName}, e.g. ${keys.length ? asJson(keys[0]!, SPECS[keys[0]!].example) : asJson('sync.horizonDays', 365)}`,
      });
    }
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (name === '$comment' || name.startsWith('//')) continue;
      const key = `${section}.${name}`;
      if (!(key in SPECS)) {
        const guess = closestKey(key);
        throw new UsageError(`config file ${fileName}: unknown key "${key}"; allowed keys: ${SETTING_KEYS.join(', ')}`, {
          hint: guess ? `fix ${key} in ${fileName}: did you mean ${guess}?` : `fix ${key} in ${fileName}: rename it to one of the allowed keys or remove it`,
        });
      }
      out[key as SettingKey] = value;
    }
  }
  return out;
}

export function resolve(input: ResolveInput): Resolved {
  const fileName = input.fileName ?? 'config';
  const fromFile = flattenFile(input.file, fileName);
  const settings = {} as Record<SettingKey, unknown>;
  const sources = {} as Record<SettingKey, Source>;
  for (const key of SETTING_KEYS) {
    const spec = SPECS[key];
    const flag = input.flags[key];
    const envValue = spec.env ? input.env[spec.env] : undefined;
    if (flag !== undefined) {
      settings[key] = validate(key, flag, { source: 'flag', name: flagName(key) });
      sources[key] = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      settings[key] = validate(key, envValue, { source: 'env', name: spec.env! });
      sources[key] = 'env';
    } else if (fromFile[key] !== undefined) {
      settings[key] = validate(key, fromFile[key], { source: 'file', name: key, file: fileName });
      sources[key] = 'file';
    } else {
      settings[key] = spec.default(input.home, input.env);
      sources[key] = 'default';
    }
  }
  return { settings: settings as unknown as Settings, sources };
}

const FLAG_NAMES: Partial<Record<SettingKey, string>> = {
  'store.path': '--db',
  'sync.intervalSeconds': '--interval',
  'daemon.concurrency': '--concurrency',
};

function flagName(key: SettingKey): string {
  return FLAG_NAMES[key] ?? key;
}
