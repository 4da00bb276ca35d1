import { describe, expect, it } from 'vitest';
import { notificationEventId, parseNotificationEvent } from '../../src/notify/event';
import { documentCompleted } from './events';

describe('parseNotificationEvent', () => {
  it('accepts a well-formed event unchanged', () => {
    const event = documentCompleted();

    expect(parseNotificationEvent(event)).toEqual(event);
  });

  it('derives the idempotency key from the workflow id and the event type', () => {
    expect(notificationEventId('corpus-42', 'corpus.completed')).toBe('corpus-42:corpus.completed');
  });

  it('refuses fields outside the schema, naming the field but not its value', () => {
    const event = documentCompleted();
    const withText = { ...event, data: { ...event.data, excerpt: 'The Supplier, Globex Ltd, shall indemnify' } };

    expect(() => parseNotificationEvent(withText)).toThrow(/data: Unrecognized key\(s\) in object: 'excerpt'/);
    expect(() => parseNotificationEvent(withText)).not.toThrow(/Globex/);
  });

  it('refuses an unknown event type without quoting it', () => {
    const event = { ...documentCompleted(), type: 'document.leaked-by-Initech' };

    expect(() => parseNotificationEvent(event)).toThrow(/type: must be one of document.completed/);
    expect(() => parseNotificationEvent(event)).not.toThrow(/Initech/);
  });

  it('refuses an event type that does not match the subject kind', () => {
    const event = { ...documentCompleted(), type: 'corpus.completed' };

    expect(() => parseNotificationEvent(event)).toThrow(/type: the event type must match the subject kind/);
  });

  it('refuses a result location that is not a URI', () => {
    const event = documentCompleted();

    expect(() => parseNotificationEvent({ ...event, data: { ...event.data, resultUri: 'result.json' } })).toThrow(
      /data.resultUri: must be a URI/,
    );
  });
});
