// Opening the sign-in page in a browser, where there is one: $BROWSER when set, `open` on macOS,
// `start` on Windows, `xdg-open` only when a display is there (DISPLAY or WAYLAND_DISPLAY). On a
// server over SSH nothing is started: the URL is printed and the person opens it themselves.

import { spawn } from 'node:child_process';

export function browserCommand(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): { command: string; args: string[] } | null {
  if (env.BROWSER) return { command: env.BROWSER, args: [] };
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: 'xdg-open', args: [] };
  return null;
}

/** Starts a browser on `url` without waiting for it; false when there is none to start. */
export function openBrowser(url: string, env: Record<string, string | undefined>): boolean {
  const how = browserCommand(env);
  if (!how) return false;
  try {
    const child = spawn(how.command, [...how.args, url], { detached: true, stdio: 'ignore', env: env as NodeJS.ProcessEnv });
    // A missing command is not fatal: the URL is printed anyway.
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
