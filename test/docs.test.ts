import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config.js';
import { ErrorCode, errorCodeDescriptions } from '../src/errors.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('starts with the two commands a newcomer runs', () => {
    const firstBlock = readme.slice(readme.indexOf('```'), readme.indexOf('```', readme.indexOf('```') + 3));
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm ci && npm test');
  });

  it('documents every error code a client can receive, as the registry describes it', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(readme).toContain(`| \`${code}\` | ${errorCodeDescriptions[code]} |`);
    }
  });

  it('documents every setting', () => {
    for (const { key } of SETTINGS) {
      const documented = readme.includes(`\`${key}\``) || readme.includes(`\`<SILO>${key.slice(key.indexOf('_'))}\``);
      expect(documented, key).toBe(true);
    }
  });
});
