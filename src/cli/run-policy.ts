// What a run may do for one staff member, from their toggles and the settings. Kept apart from
// the Graph wiring so `status` can ask the planner without loading the Graph client.

import type { Prefs } from '../store/prefs.js';
import type { RunOptions } from '../sync/run.js';
import type { Context } from './context.js';

export function runPolicy(ctx: Pick<Context, 'settings'>, prefs: Prefs): RunOptions['policy'] {
  return {
    events: prefs.events,
    tasks: prefs.tasks,
    deadlines: prefs.deadlines,
    maxDeletes: ctx.settings['sync.maxDeletesPerRun'],
    sensitivity: ctx.settings['sync.confidentialSensitivity'],
    protectedTitle: ctx.settings['sync.protectedTitle'],
  };
}
