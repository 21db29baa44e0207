// `simulator [--port N] [--state FILE] [--auto-approve EMAIL] [--requests-per-window N] [--window-seconds S]`: runs in the
// foreground until Ctrl-C, printing how to point the CLI at it.

import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';
import { message, type Output } from '../output.js';
import { positiveInt } from './common.js';

export interface SimulatorFlags {
  port?: string;
  state?: string;
  autoApprove?: string;
  requestsPerWindow?: string;
  windowSeconds?: string;
}

export async function simulator(ctx: Context, opts: SimulatorFlags): Promise<Output> {
  const port = opts.port === undefined ? 8443 : opts.port === '0' ? 0 : positiveInt(opts.port, '--port', 1, 65535, 8443);
  if (opts.state !== undefined && opts.state.trim() === '') throw new UsageError('--state needs a file path', { hint: 'e.g. --state ~/caseflow-simulator.json, or leave --state out to keep nothing' });
  const limits = {
    ...(opts.requestsPerWindow !== undefined ? { requestsPerWindow: positiveInt(opts.requestsPerWindow, '--requests-per-window', 1, 1_000_000, 10_000) } : {}),
    ...(opts.windowSeconds !== undefined ? { windowSeconds: positiveInt(opts.windowSeconds, '--window-seconds', 1, 86_400, 600) } : {}),
  };
  const { runSimulatorCommand } = await import('../../simulator/cli.js');
  const { url } = await runSimulatorCommand({ port, ...(opts.state ? { state: opts.state } : {}), autoApprove: opts.autoApprove ?? null, limits }, ctx.signal, (t) => ctx.io.stdout(t));
  return message(`simulator at ${url} stopped`, { stopped: true, url });
}
