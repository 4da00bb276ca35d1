import type { z } from 'zod';

/**
 * One line naming each invalid field and what is expected of it, without the values received: a value may be a
 * secret or document content.
 */
export function formatZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${describeIssue(i)}`).join('; ');
}

// zod's enum message quotes the received value; name the allowed ones only.
function describeIssue(issue: z.ZodIssue): string {
  return issue.code === 'invalid_enum_value' ? `must be one of ${issue.options.join(', ')}` : issue.message;
}
