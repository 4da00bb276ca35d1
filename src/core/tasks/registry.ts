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

/** User tasks registered in this process (a worker loads them from its configured task files). */
const userTasks = new Map<string, Task>();

/** The task with this id, built-in or registered; throws INVALID_INPUT listing the known ids. */
export function getTask(id: string): Task {
  const task = builtIns.get(id) ?? userTasks.get(id);
  if (task === undefined) {
    const known = [...BUILT_IN_TASK_IDS, ...userTasks.keys()];
    throw permanentError('INVALID_INPUT', `unknown task "${id}"; known tasks: ${known.join(', ')}`);
  }
  return task;
}

/** Makes a user task available to `getTask`; a built-in id cannot be replaced. */
export function registerTask(task: Task): void {
  if (builtIns.has(task.id)) {
    throw permanentError('INVALID_INPUT', `task id "${task.id}" is a built-in task: choose another id`);
  }
  userTasks.set(task.id, task);
}
