/** The built-in tasks by id. */
import { permanentError } from '../errors';
import { contractReviewTask } from './contract-review';
import { extractEntitiesTask } from './extract-entities';
import { summarizeTask } from './summarize';
import type { Task } from './task';

const builtIns: ReadonlyMap<string, Task> = new Map(
  [contractReviewTask, summarizeTask, extractEntitiesTask].map((task) => [task.id, task]),
);

export const BUILT_IN_TASK_IDS: readonly string[] = [...builtIns.keys()];

/** The built-in task with this id; throws INVALID_INPUT listing the known ids. */
export function getTask(id: string): Task {
  const task = builtIns.get(id);
  if (task === undefined) {
    throw permanentError('INVALID_INPUT', `unknown task "${id}"; known tasks: ${BUILT_IN_TASK_IDS.join(', ')}`);
  }
  return task;
}
