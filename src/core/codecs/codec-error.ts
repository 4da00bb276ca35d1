import { permanentError } from '../errors';
import type { DocflowError } from '../errors';

/** A body that does not have the shape its model family requires: retrying cannot fix it. */
export function malformedBody(what: string, problem: string): DocflowError {
  return permanentError('INVALID_INPUT', `malformed ${what}: ${problem}`);
}

export function expectObject(value: unknown, what: string, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformedBody(what, `${path} must be an object`);
  }
  return value as Record<string, unknown>;
}

export function expectArray(value: unknown, what: string, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformedBody(what, `${path} must be an array`);
  return value;
}

export function expectString(value: unknown, what: string, path: string): string {
  if (typeof value !== 'string') throw malformedBody(what, `${path} must be a string`);
  return value;
}

export function expectCount(value: unknown, what: string, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw malformedBody(what, `${path} must be a non-negative integer`);
  }
  return value;
}

export function optionalNumber(value: unknown, what: string, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw malformedBody(what, `${path} must be a number`);
  return value;
}

/** A positive integer token limit, when present. */
export function optionalMaxTokens(value: unknown, what: string, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw malformedBody(what, `${path} must be a positive integer`);
  }
  return value;
}
