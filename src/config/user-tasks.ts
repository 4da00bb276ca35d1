import { readFile } from 'node:fs/promises';
import { permanentError } from '../core/errors';
import { loadUserTask, registerTask } from '../core/tasks';
import type { Task } from '../core/tasks';

/** Reads a user task definition (JSON) from a file, validates it and registers it for this process. */
export async function registerUserTaskFile(path: string): Promise<Task> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw permanentError('INVALID_CONFIG', `cannot read task file ${path}: ${code ?? (err as Error).message}`);
  }
  const task = loadUserTask(json);
  registerTask(task);
  return task;
}
