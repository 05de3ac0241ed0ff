/**
 * `npm run docs:settings`: writes the README's configuration table from the settings table in
 * src/server/config.ts, between `<!-- settings:start -->` and `<!-- settings:end -->`.
 * test/docs.test.ts fails while the README differs from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { formatSettingsTable } from '../src/server/config.js';

const START = '<!-- settings:start -->';
const END = '<!-- settings:end -->';
const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} ... ${END} section to write the settings table into.`);
  process.exit(1);
}
writeFileSync(path, `${readme.slice(0, start + START.length)}\n${formatSettingsTable()}\n${readme.slice(end)}`);
console.log('README.md: settings table written.');
