import { describe, expect, it } from 'vitest';
import { parseQueueKey, queueKey, roundKeyPrefix } from '../../src/shared/queue-key';
import type { QueuedGroup } from '../../src/shared/types';

const group: QueuedGroup = {
  docId: '0123456789abcdef01234567',
  attempt: 2,
  offset: 40,
  records: 27,
  bytes: 812_345,
  priority: 'low',
  enqueuedAt: 1_796_400_000_123,
  taskId: 'contract-review',
};

describe('record queue keys', () => {
  it('say everything a claim needs, and read back exactly', () => {
    const key = queueKey(group);
    expect(key).toBe('p2/1796400000123-0123456789abcdef01234567-a2-o40-r27-b812345-tcontract-review');
    expect(parseQueueKey(key)).toEqual(group);
  });

  it('sort by priority, then by arrival', () => {
    const keys = [
      queueKey({ ...group, priority: 'low', enqueuedAt: 1 }),
      queueKey({ ...group, priority: 'normal', enqueuedAt: 5 }),
      queueKey({ ...group, priority: 'normal', enqueuedAt: 3 }),
      queueKey({ ...group, priority: 'high', enqueuedAt: 9 }),
    ];
    expect([...keys].sort().map((k) => parseQueueKey(k)?.enqueuedAt)).toEqual([9, 3, 5, 1]);
  });

  it('share the prefix of their round, splits included', () => {
    const split = { ...group, offset: 50, records: 17, bytes: 500_000 };
    expect(queueKey(group).startsWith(roundKeyPrefix(group))).toBe(true);
    expect(queueKey(split).startsWith(roundKeyPrefix(group))).toBe(true);
    expect(queueKey({ ...group, docId: 'f'.repeat(24) }).startsWith(roundKeyPrefix(group))).toBe(false);
  });

  it('ignore anything that is not a queue key', () => {
    expect(parseQueueKey('p1/garbage')).toBeUndefined();
    expect(parseQueueKey(`${queueKey(group)}.tmp`)).toBeUndefined();
  });
});
