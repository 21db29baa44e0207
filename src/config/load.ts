// Reads the config file (the only I/O of config/) and hands it to the pure resolver.

import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { resolve, type Resolved, type SettingKey } from './resolve.js';

export interface LoadInput {
  /** `--config` flag, if given. */
  configFlag?: string | undefined;
  flags: Partial<Record<SettingKey, unknown>>;
  env: Record<string, string | undefined>;
  home: string;
}

export function configPath(input: Pick<LoadInput, 'configFlag' | 'env' | 'home'>): { path: string; explicit: boolean; via?: '--config' | 'CASEFLOW_CONFIG' } {
  if (input.configFlag) return { path: input.configFlag, explicit: true, via: '--config' };
  if (input.env.CASEFLOW_CONFIG) return { path: input.env.CASEFLOW_CONFIG, explicit: true, via: 'CASEFLOW_CONFIG' };
  const base =
    input.env.XDG_CONFIG_HOME && input.env.XDG_CONFIG_HOME.startsWith('/') ? input.env.XDG_CONFIG_HOME : `${input.home}/.config`;
  return { path: `${base}/caseflow-outlook/config.json`, explicit: false };
}

export function loadSettings(input: LoadInput): Resolved & { configFile: string | null } {
  const { path, explicit, via } = configPath(input);
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || explicit) {
      const elsewhere = via === 'CASEFLOW_CONFIG' ? 'point CASEFLOW_CONFIG at an existing file or unset it' : via ? 'point --config at an existing file or leave it out' : 'pass another file with --config';
      const [why, hint] =
        code === 'ENOENT'
          ? ['file not found', `create it (config.example.json shows every key), or ${elsewhere}`]
          : code === 'EACCES' || code === 'EPERM'
            ? ['permission denied', `check the permissions of ${path}, or ${elsewhere}`]
            : code === 'EISDIR'
              ? ['it is a folder, not a file', `name the JSON file itself, or ${elsewhere}`]
              : [`cannot read it (${code})`, `check ${path}, or ${elsewhere}`];
      throw new UsageError(`config file ${path}: ${why}`, { hint, cause: error });
    }
  }
  let file: unknown = null;
  if (text !== null) {
    try {
      file = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`config file ${path}: not valid JSON (${(error as Error).message})`, {
        hint: `fix the JSON in ${path} (config.example.json shows the expected shape)`,
      });
    }
  }
  const resolved = resolve({ flags: input.flags, env: input.env, file, fileName: path, home: input.home });
  return { ...resolved, configFile: text === null ? null : path };
}
