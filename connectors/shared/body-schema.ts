/**
 * Checking a silo's answer against the shape its API documents, with one schema library (zod 4)
 * for the four connectors. A connector declares the documented shape of each body it reads as a
 * zod schema beside its mapping, and reads every body through {@link readBody}: the result is
 * typed by the schema, and a body without that shape becomes the silo's SOURCE_BAD_RESPONSE.
 *
 * The problem text names the field by its path in the body (`results[0].properties.email`) and
 * says what was expected and what kind of value came ("expected string, received number"), never
 * the value itself: a silo's body holds personal data, and the problem reaches the client and
 * the log. zod's own messages for the checks used here do not quote the value; custom messages
 * (`.refine`, `.regex(…, message)`) must not either.
 */
import { z } from 'zod';
import type { SourceError } from '../../src/shared/errors.js';

export { z };

/** Makes the silo's error from a problem text; `SiloHttp.badResponse` bound to the operation. */
export type ComplainAboutBody = (problem: string) => SourceError;

/** How many of a body's problems a message lists (the rest are counted). */
const MAX_PROBLEMS_LISTED = 3;

/**
 * Checks `body` against `schema` and returns it typed (and transformed, where the schema
 * transforms). Throws `complain(problem)` when the body does not match, where `problem` lists up
 * to three fields with what was expected, e.g.
 * `results[0].id: must match pattern /^\d+$/; results[1]: expected object, received number`.
 */
export function readBody<S extends z.ZodType>(schema: S, body: unknown, complain: ComplainAboutBody): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw complain(describeIssues(parsed.error.issues));
}

/** The problem text for zod issues: `path: what was expected`, joined by `; `. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_PROBLEMS_LISTED).map((issue) => `${pathText(issue.path)}: ${expectation(issue)}`);
  const more = issues.length - listed.length;
  return listed.join('; ') + (more > 0 ? `; and ${more} more problem${more === 1 ? '' : 's'}` : '');
}

/** `results[0].properties.email`; `the body` for the root. */
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/** zod's message without its generic prefix ("Invalid input: "), lower-cased at the start. */
function expectation(issue: z.core.$ZodIssue): string {
  const message = issue.message.replace(/^Invalid (?:input|string|option|number|value|type): /, '');
  return message.charAt(0).toLowerCase() + message.slice(1);
}
