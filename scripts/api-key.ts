/**
 * `npm run api-key -- --name NAME --scopes SCOPE[,SCOPE...]`: makes an API key for a
 * server-to-server client. Prints the key once (give it to the client; it is not kept anywhere)
 * and the AUTH_API_KEYS entry to add to the gateway's configuration, which holds only the key's
 * SHA-256 (README.md, "Authentication").
 *
 * Exit codes: 0 done, 2 usage error (a missing or unknown option, an unknown scope). Errors are
 * one line on stderr.
 */
import { parseArgs } from 'node:util';
import { hashApiKey, mintApiKey, parseScopeList } from '../src/access/credentials.js';
import { SCOPE_DESCRIPTIONS, SCOPES } from '../src/access/scopes.js';

const HELP = `Usage: npm run api-key -- --name NAME --scopes SCOPE[,SCOPE...]

  --name    the client's name, as the logs and the access log show it (e.g. crm-sync)
  --scopes  what the key may read, comma-separated:
${SCOPES.map((s) => `              ${s.padEnd(14)}${SCOPE_DESCRIPTIONS[s]}`).join('\n')}`;

function fail(message: string): never {
  console.error(`${message}\n\n${HELP}`);
  process.exit(2);
}

function main(): void {
  let values: { name?: string; scopes?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { name: { type: 'string' }, scopes: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const name = values.name?.trim();
  if (!name) fail('--name is required.');
  if (values.scopes === undefined) fail('--scopes is required.');
  const scopes = parseScopeList(values.scopes);
  if (!scopes.ok) fail(`--scopes: ${scopes.error}`);
  if (scopes.scopes.length === 0) fail('--scopes: name at least one scope.');
  const key = mintApiKey();
  const entry = { name, sha256: hashApiKey(key), scopes: scopes.scopes };
  console.log(`API key for "${name}" (shown once: give it to the client, keep it out of the gateway's configuration):
  ${key}

The client sends it as:
  Authorization: Bearer ${key}

Add this entry to AUTH_API_KEYS (a JSON array; in a --config file, the array itself):
  ${JSON.stringify(entry)}`);
}

main();
