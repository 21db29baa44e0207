// `simulator [--port N] [--state FILE] [--auto-approve EMAIL]`: runs in the
// foreground until Ctrl-C, printing how to point the CLI at it.

import { UsageError } from '../../errors.js';
import type { Context } from '../context.js';
import { message, type Output } from '../output.js';
import { positiveInt } from './common.js';

export async function simulator(ctx: Context, opts: { port?: string; state?: string; autoApprove?: string }): Promise<Output> {
  const port = opts.port === undefined ? 8443 : opts.port === '0' ? 0 : positiveInt(opts.port, '--port', 1, 65535, 8443);
  if (opts.state !== undefined && opts.state.trim() === '') throw new UsageError('--state needs a file path', { hint: 'e.g. --state ~/caseflow-simulator.json, or leave --state out to keep nothing' });
  const { runSimulatorCommand } = await import('../../simulator/cli.js');
  const { url } = await runSimulatorCommand({ port, ...(opts.state ? { state: opts.state } : {}), autoApprove: opts.autoApprove ?? null }, ctx.signal, (t) => ctx.io.stdout(t));
  return message(`simulator at ${url} stopped`, { stopped: true, url });
}
