import type { CommanderError } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { ListFilter } from '../client';
import { ExitCode } from './context';

/** The workflow states a user filters by, as the CLI spells them, and as the visibility store names them. */
export const WORKFLOW_STATUSES = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
} as const satisfies Record<string, NonNullable<ListFilter['status']>>;

/** The CLI's word for a workflow status, however the SDK spells it (`TIMED_OUT`, `TimedOut`, `Canceled`). */
export function statusName(status: string): string {
  const name = status.toLowerCase().replace(/_/g, '-');
  return name === 'canceled' ? 'cancelled' : name === 'timedout' ? 'timed-out' : name;
}

export function statusOption(description = 'only workflows in this state'): Option {
  return new Option('--status <status>', description).choices(Object.keys(WORKFLOW_STATUSES));
}

export const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

/** Commander exits 1 on a bad option or argument; docflow's documented code for bad usage is 2. */
export function usageErrorsExit2(err: CommanderError): never {
  process.exit(err.exitCode === 0 ? 0 : ExitCode.usage);
}
