import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure, TemporalFailure } from '@temporalio/workflow';

/**
 * The reason a person reads for a failure: the innermost application message, without stack traces or
 * wrapper text ("Activity task failed"). Activity messages never contain document text (DESIGN rule 4).
 */
export function describeFailure(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 5; depth++) {
    if ((current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) && current.cause) {
      current = current.cause;
      continue;
    }
    break;
  }
  if (current instanceof ApplicationFailure) return current.message || current.type || 'application failure';
  if (current instanceof TemporalFailure) return current.message;
  if (current instanceof Error) return current.message;
  return String(current);
}
