// Logging to stderr. Human lines on a TTY, one JSON object a line otherwise (the daemon under cron or systemd).
// Every line passes through `redact`: tokens and Authorization headers never reach a log, even
// when a caller slips up (cli-microsoft365 logged its access token under --debug).
// A human line then passes through `visible`: a title from Outlook holding escape sequences or a
// line break neither drives the terminal nor forges a second log line.

import { terminalSafeJson, visible } from './safe-text.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const SECRET_PATTERNS: [RegExp, string][] = [
  [/(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi, '$1[redacted]'],
  [/\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi, 'Bearer [redacted]'],
  [/\b(access_token|refresh_token|id_token|accessToken|refreshToken|idToken|secret|client_secret|device_code)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/g, '$1$2[redacted]'],
  // JWT-shaped strings.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

export interface LoggerOptions {
  verbose: boolean;
  json: boolean;
  write: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions): Logger {
  const now = options.now ?? (() => new Date());
  const emit = (level: Level, message: string, fields?: Record<string, unknown>): void => {
    if (level === 'debug' && !options.verbose) return;
    if (options.json) {
      options.write(terminalSafeJson(redact(JSON.stringify({ at: now().toISOString(), level, message, ...fields }))) + '\n');
    } else {
      const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
      const prefix = level === 'info' ? '' : `${level}: `;
      options.write(visible(redact(`${prefix}${message}${extra}`)) + '\n');
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
