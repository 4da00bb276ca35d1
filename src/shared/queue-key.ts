/**
 * Keys of the collector's record queue. Each waiting group is one empty object whose key says everything the
 * collector needs (priority, arrival time, document, round, task, which lines of the round's request file, how many
 * records and bytes), so listing the queue in key order yields the groups oldest first within each priority,
 * and claiming a job never reads an object body. Safe for workflow code: pure string functions.
 */
import type { Priority, QueuedGroup } from './types';

const RANK: Record<Priority, number> = { high: 0, normal: 1, low: 2 };
const PRIORITY_OF_RANK: Priority[] = ['high', 'normal', 'low'];
const KEY = /^p([0-2])\/(\d{13})-([0-9a-f]{24})-a(\d+)-o(\d+)-r(\d+)-b(\d+)-t([a-z0-9][a-z0-9-]{0,62})$/;

/** The key of a group under its collector's queue prefix (`storeKeys.recordQueue`). */
export function queueKey(group: QueuedGroup): string {
  return (
    `${roundKeyPrefix(group)}a${group.attempt}-o${group.offset}-r${group.records}-b${Math.round(group.bytes)}` +
    `-t${group.taskId}`
  );
}

/**
 * The start of every key a document's round can have (splits keep priority and arrival time): listing it finds the
 * round's groups without listing the whole queue.
 */
export function roundKeyPrefix(round: Pick<QueuedGroup, 'priority' | 'enqueuedAt' | 'docId'>): string {
  return `p${RANK[round.priority]}/${String(Math.max(0, Math.floor(round.enqueuedAt))).padStart(13, '0')}-${round.docId}-`;
}

/** The group a key under the queue prefix names; undefined for anything else. */
export function parseQueueKey(key: string): QueuedGroup | undefined {
  const m = KEY.exec(key);
  if (!m) return undefined;
  return {
    priority: PRIORITY_OF_RANK[Number(m[1])] as Priority,
    enqueuedAt: Number(m[2]),
    docId: m[3] as string,
    attempt: Number(m[4]),
    offset: Number(m[5]),
    records: Number(m[6]),
    bytes: Number(m[7]),
    taskId: m[8] as string,
  };
}
