import { describe, expect, it } from 'vitest';
import { loadPopulationFile } from './load.js';

describe('loadPopulationFile', () => {
  it('says in words why a file cannot be read, with its path', async () => {
    await expect(loadPopulationFile('/nonexistent/people.json')).rejects.toThrow(
      'Cannot read the population file "/nonexistent/people.json": no such file.',
    );
  });
});
