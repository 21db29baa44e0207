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

export function configPath(input: Pick<LoadInput, 'configFlag' | 'env' | 'home'>): { path: string; explicit: boolean } {
  if (input.configFlag) return { path: input.configFlag, explicit: true };
  if (input.env.CASEFLOW_CONFIG) return { path: input.env.CASEFLOW_CONFIG, explicit: true };
  const base =
    input.env.XDG_CONFIG_HOME && input.env.XDG_CONFIG_HOME.startsWith('/') ? input.env.XDG_CONFIG_HOME : `${input.home}/.config`;
  return { path: `${base}/caseflow-outlook/config.json`, explicit: false };
}

export function loadSettings(input: LoadInput): Resolved & { configFile: string | null } {
  const { path, explicit } = configPath(input);
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' || explicit) {
      const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code})`;
      throw new UsageError(`config file ${path}: ${why}`, {
        hint: 'pass an existing file with --config (see config.example.json), or leave --config out',
      });
    }
  }
  let file: unknown = null;
  if (text !== null) {
    try {
      file = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`config file ${path}: not valid JSON (${(error as Error).message})`, {
        hint: 'compare it with config.example.json',
      });
    }
  }
  const resolved = resolve({ flags: input.flags, env: input.env, file, fileName: path, home: input.home });
  return { ...resolved, configFile: text === null ? null : path };
}
