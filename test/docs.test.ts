import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatSettingsTable } from '../src/server/config.js';
import { ErrorCode, errorCodeDescriptions } from '../src/shared/errors.js';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../src/access/scopes.js';

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

  it('documents every scope as src/access/scopes.ts describes it', () => {
    for (const scope of SCOPES) {
      expect(readme).toContain(`| \`${scope}\` | ${SCOPE_DESCRIPTIONS[scope]} |`);
    }
  });

  it('documents every setting as the settings table says (npm run docs:settings writes it)', () => {
    const start = readme.indexOf('<!-- settings:start -->');
    const end = readme.indexOf('<!-- settings:end -->');
    expect(start, 'the README marks its settings table with <!-- settings:start --> and <!-- settings:end -->').toBeGreaterThan(-1);
    expect(readme.slice(start + '<!-- settings:start -->'.length, end).trim()).toBe(formatSettingsTable());
  });
});
