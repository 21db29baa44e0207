// The error a call throws, for tests of refusals: fails the test when it throws none, or one that
// is not ours.

import { CliError } from '../../src/errors.js';

export function refusal(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a refusal, got none');
}
