// One pure resolver for every setting of SPEC §2.3: flag > environment > config file > default.
// It also says where each value came from, so `--verbose` can explain a surprising setting.

import { UsageError } from '../errors.js';

export interface Settings {
  'store.path': string;
  'auth.clientId': string | null;
  'auth.tenantId': string;
  'auth.authorityHost': string;
  'graph.baseUrl': string;
  'sync.intervalSeconds': number;
  'sync.horizonDays': number;
  'sync.confidentialSensitivity': 'confidential' | 'private';
  'sync.maxDeletesPerRun': number;
  'sync.maxRequestsInFlightPerMailbox': number;
  'daemon.concurrency': number;
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

type Validator = (value: unknown, where: string) => unknown;

const httpsUrl: Validator = (value, where) => {
  if (typeof value !== 'string') throw new UsageError(`${where} must be an https URL, for example https://login.microsoftonline.com`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${where} "${value}" is not a URL: give an https URL, for example https://login.microsoftonline.com`);
  }
  if (url.protocol !== 'https:') throw new UsageError(`${where} "${value}" must use https (Microsoft sign-in and Graph require TLS)`);
  return value.replace(/\/+$/, '');
};

const nonEmpty: Validator = (value, where) => {
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${where} must be a non-empty string`);
  return value.trim();
};

function integer(min: number, max: number): Validator {
  return (value, where) => {
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new UsageError(`${where} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
    }
    return n;
  };
}

function oneOf<T extends string>(...allowed: T[]): Validator {
  return (value, where) => {
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      throw new UsageError(`${where} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
    }
    return value;
  };
}

interface KeySpec {
  env?: string;
  validate: Validator;
  default: (home: string, env: Record<string, string | undefined>) => unknown;
}

function xdgData(home: string, env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : `${home}/.local/share`;
  return `${base}/caseflow-outlook/store.db`;
}

export const SPECS: Record<SettingKey, KeySpec> = {
  'store.path': { env: 'CASEFLOW_DB', validate: nonEmpty, default: xdgData },
  'auth.clientId': { env: 'CASEFLOW_CLIENT_ID', validate: nonEmpty, default: () => null },
  'auth.tenantId': { validate: nonEmpty, default: () => 'organizations' },
  'auth.authorityHost': { env: 'CASEFLOW_AUTHORITY_HOST', validate: httpsUrl, default: () => 'https://login.microsoftonline.com' },
  'graph.baseUrl': { env: 'CASEFLOW_GRAPH_URL', validate: httpsUrl, default: () => 'https://graph.microsoft.com' },
  'sync.intervalSeconds': { validate: integer(1, 86_400), default: () => 300 },
  'sync.horizonDays': { validate: integer(1, 1_825), default: () => 365 },
  'sync.confidentialSensitivity': { validate: oneOf('confidential', 'private'), default: () => 'confidential' },
  'sync.maxDeletesPerRun': { validate: integer(0, 100_000), default: () => 25 },
  // Graph allows 4 concurrent requests per mailbox (GRAPH.md); more would only be throttled.
  'sync.maxRequestsInFlightPerMailbox': { validate: integer(1, 4), default: () => 4 },
  'daemon.concurrency': { validate: integer(1, 64), default: () => 4 },
};

export const SETTING_KEYS = Object.keys(SPECS) as SettingKey[];

/** Flattens `{"sync":{"horizonDays":90}}` to `sync.horizonDays`, refusing unknown keys. */
export function flattenFile(file: unknown, fileName: string): Partial<Record<SettingKey, unknown>> {
  if (file === null || file === undefined) return {};
  if (typeof file !== 'object' || Array.isArray(file)) {
    throw new UsageError(`config file ${fileName}: the top level must be a JSON object`);
  }
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const [section, body] of Object.entries(file as Record<string, unknown>)) {
    if (section === '$comment' || section.startsWith('//')) continue;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new UsageError(`config file ${fileName}: "${section}" must be an object; allowed keys: ${SETTING_KEYS.join(', ')}`);
    }
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (name === '$comment' || name.startsWith('//')) continue;
      const key = `${section}.${name}`;
      if (!(key in SPECS)) {
        throw new UsageError(`config file ${fileName}: unknown key "${key}"; allowed keys: ${SETTING_KEYS.join(', ')}`);
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
      settings[key] = spec.validate(flag, flagName(key));
      sources[key] = 'flag';
    } else if (envValue !== undefined && envValue !== '') {
      settings[key] = spec.validate(envValue, `environment variable ${spec.env}`);
      sources[key] = 'env';
    } else if (fromFile[key] !== undefined) {
      settings[key] = spec.validate(fromFile[key], `config file ${fileName}: ${key}`);
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
