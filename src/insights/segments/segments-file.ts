/**
 * The segments file (pure): the JSON the `SEGMENTS_FILE` setting names, a list of
 * `{ "name", "description", "rule" }` objects, validated and compiled. The caller reads the file
 * (src/server/segments-file.ts); this module gets its text.
 *
 * @example demo/segments.json
 *   [{ "name": "goldMembers", "description": "Gold tier members.", "rule": "loyalty.tier == \"Gold\"" }]
 */
import { compileSegments, type CompiledSegment, type SegmentDefinition } from './compile.js';

export type SegmentsFileResult = { ok: true; segments: CompiledSegment[] } | { ok: false; errors: string[] };

const KEYS = ['name', 'description', 'rule'] as const;

/**
 * The segments of a file's text, compiled; or every problem, each naming the file and, where
 * there is one, the segment (by name, else by position: `segment 3`).
 *
 * @example
 *   parseSegmentsFile('[{"name":"vip","description":"Big spenders","rule":"journey.totalSpend > 1000"}]', 'segments.json')
 *   // { ok: true, segments: [{ name: 'vip', … }] }
 */
export function parseSegmentsFile(text: string, fileName: string): SegmentsFileResult {
  const inFile = (problem: string): string => `Segments file "${fileName}": ${problem}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [inFile(`not valid JSON (${jsonProblem((error as Error).message, text)}): a list of {"name", "description", "rule"} objects is expected.`)] };
  }
  if (!Array.isArray(json)) {
    return { ok: false, errors: [inFile('expected a JSON array of segments, each {"name": …, "description": …, "rule": …}.')] };
  }
  const errors: string[] = [];
  const definitions: SegmentDefinition[] = [];
  json.forEach((item: unknown, index) => {
    const label = `segment ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      errors.push(inFile(`${label}: expected an object {"name": …, "description": …, "rule": …}.`));
      return;
    }
    const entry = item as Record<string, unknown>;
    const named = typeof entry.name === 'string' && entry.name !== '' ? `segment "${entry.name.slice(0, 64)}"` : label;
    const problems: string[] = [];
    for (const key of Object.keys(entry)) if (!(KEYS as readonly string[]).includes(key)) problems.push(`unknown key "${key.slice(0, 40)}"; the keys are ${KEYS.join(', ')}.`);
    for (const key of KEYS) if (typeof entry[key] !== 'string') problems.push(`"${key}" must be a string${entry[key] === undefined ? ', and is missing' : ''}.`);
    if (problems.length > 0) {
      errors.push(...problems.map((p) => inFile(`${named}: ${p}`)));
      return;
    }
    definitions.push({ name: entry.name as string, description: entry.description as string, rule: entry.rule as string });
  });
  if (errors.length > 0) return { ok: false, errors };
  const compiled = compileSegments(definitions);
  return compiled.ok ? compiled : { ok: false, errors: compiled.errors.map(inFile) };
}

/**
 * What broke in a JSON text and where, from V8's SyntaxError message, without any of the text:
 * V8 may quote it, and a setting pointing at the wrong file (a key, /etc/passwd) must not copy it
 * to the terminal or a log. V8 gives a 0-based `position` for most faults ("Expected ',' or '}'
 * after property value in JSON at position 7"), none for an unexpected token it quotes the text
 * for, or for a text that ends too soon; the place is given as a 1-based line and column, as
 * editors count, like the rule problems' characters.
 */
function jsonProblem(message: string, text: string): string {
  const at = /^(.*?) in JSON at position (\d+)/.exec(message);
  if (at) {
    const position = Number(at[2]);
    const before = text.slice(0, position);
    const line = before.split('\n').length;
    const column = position - before.lastIndexOf('\n');
    return `${at[1]}, at line ${line}, column ${column}`;
  }
  const token = /^Unexpected token '(.)'/.exec(message)?.[1];
  if (token === ']' || token === '}') return `an unexpected '${token}': a trailing comma before it?`;
  if (token !== undefined) return /[[{:,"]/.test(token) ? `an unexpected '${token}'` : 'an unexpected character';
  if (/Unexpected end of JSON input/.test(message)) return 'the text ends before the JSON does: is the file cut short?';
  return 'it cannot be parsed';
}
