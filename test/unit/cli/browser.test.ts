// Which browser the browser sign-in starts, if any: none on a server without a display.

import { describe, expect, it } from 'vitest';
import { browserCommand } from '../../../src/cli/browser.js';

describe('which browser the browser sign-in starts', () => {
  it('$BROWSER first; open on macOS, start on Windows; xdg-open only with a display; else none (the URL is printed)', () => {
    expect(browserCommand({ BROWSER: '/usr/bin/firefox' }, 'linux')).toEqual({ command: '/usr/bin/firefox', args: [] });
    expect(browserCommand({}, 'darwin')?.command).toBe('open');
    expect(browserCommand({}, 'win32')).toEqual({ command: 'cmd', args: ['/c', 'start', '""'] });
    expect(browserCommand({ DISPLAY: ':0' }, 'linux')?.command).toBe('xdg-open');
    expect(browserCommand({ WAYLAND_DISPLAY: 'wayland-0' }, 'freebsd')?.command).toBe('xdg-open');
    expect(browserCommand({}, 'linux')).toBeNull();
    expect(browserCommand({ DISPLAY: '' }, 'linux')).toBeNull();
  });
});
