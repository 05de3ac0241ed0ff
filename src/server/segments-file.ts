/**
 * Reads the segments file the `SEGMENTS_FILE` setting names and compiles it
 * (src/insights/segments/segments-file.ts). Both entries (src/main.ts, demo/main.ts) call it at
 * start and refuse the start with its message when it fails.
 */
import { readFile } from 'node:fs/promises';
import type { CompiledSegment } from '../insights/segments/compile.js';
import { parseSegmentsFile } from '../insights/segments/segments-file.js';
import { fileReadProblem } from './config.js';

export type SegmentsLoad = { ok: true; segments: CompiledSegment[] } | { ok: false; message: string };

/**
 * The compiled segments of the file at `path`; none when `path` is null (no setting). On a
 * file that cannot be read, is not valid JSON, or holds a bad segment or rule: a message, one
 * line per problem, naming the file and the segment. `read` is the file reader (tests pass theirs).
 */
export async function loadSegments(path: string | null, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): Promise<SegmentsLoad> {
  if (path === null) return { ok: true, segments: [] };
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    return { ok: false, message: `Cannot read the segments file "${path}" (SEGMENTS_FILE): ${fileReadProblem((error as NodeJS.ErrnoException).code)}.` };
  }
  const parsed = parseSegmentsFile(text, path);
  return parsed.ok ? parsed : { ok: false, message: `The segments are not valid:\n- ${parsed.errors.join('\n- ')}` };
}
