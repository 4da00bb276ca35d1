/**
 * JSON Schema validation for task output schemas, compiled once per schema object. One ajv instance for docflow, so
 * user task schemas are checked by the same rules their answers are validated with.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from './tasks/task';

// strictTypes off: `anyOf` with a `null` branch is how our schemas spell "nullable", which ajv's type rules dislike.
const ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, logger: false });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Compiles (or returns the cached validator of) a schema; throws ajv's error for an invalid schema. */
export function schemaValidator(schema: JsonSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * A short description of the first validation error: where and which rule, never the offending value, so it can be
 * logged without leaking document or model text.
 */
export function describeSchemaError(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'does not match the schema';
  const where = first.instancePath === '' ? 'the answer' : first.instancePath.slice(0, 80);
  return `${where} ${first.message ?? `fails ${first.keyword}`}`;
}
