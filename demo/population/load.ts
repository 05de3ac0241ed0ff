/** Reads a population file and checks its outline, so a wrong file fails with a useful message. */
import { readFile } from 'node:fs/promises';
import { fileReadProblem } from '../../src/server/config.js';
import { POPULATION_FORMAT_VERSION, type Population } from '../../connectors/population.js';

export async function loadPopulationFile(path: string): Promise<Population> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the population file "${path}": ${fileReadProblem((error as NodeJS.ErrnoException).code)}.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`The population file "${path}" is not valid JSON.`);
  }
  const problem = populationProblem(data);
  if (problem) throw new Error(`The population file "${path}" ${problem} See docs/population.md.`);
  return data as Population;
}

/** What is wrong with the outline of a population, or undefined when it looks right. */
export function populationProblem(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return 'is not a JSON object.';
  const p = data as Record<string, Record<string, unknown> | undefined>;
  if ((p.version as unknown) !== POPULATION_FORMAT_VERSION) return `has version ${JSON.stringify(p.version)}; expected ${POPULATION_FORMAT_VERSION}.`;
  const arrays: Array<[string, string]> = [
    ['crm', 'contacts'],
    ['loyalty', 'members'],
    ['loyalty', 'transactions'],
    ['loyalty', 'levels'],
    ['commerce', 'customers'],
    ['commerce', 'orders'],
    ['commerce', 'products'],
    ['analytics', 'visits'],
  ];
  for (const [silo, list] of arrays) {
    if (!Array.isArray(p[silo]?.[list])) return `has no array ${silo}.${list}.`;
  }
  if (!Array.isArray(p.truth)) return 'has no truth array.';
  return undefined;
}
