/**
 * Reads the lifetime-value model file the CLV_MODEL_FILE setting names and validates it
 * (src/insights/clv/model-file.ts). Both entries call it at start and refuse the start with its
 * message when it fails, so that a gateway never runs on a model it cannot use.
 */
import { readFile } from 'node:fs/promises';
import { ModelFileError, parseModelFile, type ClvModel } from '../insights/clv/model-file.js';
import { fileReadProblem } from './config.js';

export type ClvModelLoad = { ok: true; model: ClvModel | null } | { ok: false; message: string };

/**
 * The model in the file at `path`; null when `path` is null (no setting). A file that cannot be
 * read, is not a model file, is of another version or has a bad field: a message naming the
 * file and the problem, and how to make a good one.
 */
export async function loadClvModel(path: string | null, read: (path: string) => Promise<string> = (p) => readFile(p, 'utf8')): Promise<ClvModelLoad> {
  if (path === null) return { ok: true, model: null };
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    return { ok: false, message: `Cannot read the lifetime-value model file "${path}" (CLV_MODEL_FILE): ${fileReadProblem((error as NodeJS.ErrnoException).code)}.` };
  }
  try {
    return { ok: true, model: parseModelFile(text) };
  } catch (error) {
    if (!(error instanceof ModelFileError)) throw error;
    return {
      ok: false,
      message: `The lifetime-value model file "${path}" (CLV_MODEL_FILE) cannot be used: ${error.message.replace(/\.?$/, '.')}`,
    };
  }
}
