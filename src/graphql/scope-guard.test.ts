import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { AccessGrant, Scope } from '../access/scopes.js';
import { AccessRecord } from './access-record.js';
import { createLogger } from '../shared/logger.js';
import { effectiveScopes, guardFields, ownRules, scopeRuleProblems } from './scope-guard.js';

const SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schema');
const ACCESS_SDL = readFileSync(join(SCHEMA_DIR, 'access.graphql'), 'utf8');
/** The gateway's whole SDL, as server.ts loads it. */
const GATEWAY_SDL = readdirSync(SCHEMA_DIR)
  .filter((name) => name.endsWith('.graphql'))
  .sort()
  .map((name) => readFileSync(join(SCHEMA_DIR, name), 'utf8'))
  .join('\n');

describe("the gateway schema's access rules", () => {
  it('give every field reachable from Query and Mutation a scope rule, and keep every guarded field nullable', () => {
    expect(scopeRuleProblems(buildSchema(GATEWAY_SDL))).toEqual([]);
  });

  it('catch a Customer field added without a rule: Query.customer takes any read scope and does not pass it down', () => {
    const schema = buildSchema(GATEWAY_SDL + '\nextend type Customer { "New." loyaltyPin: String }');
    expect(scopeRuleProblems(schema)).toEqual(['Customer.loyaltyPin (reached by Query.customer) has no scope rule: give it @requiresScopes.']);
  });

  it('catch a guarded field that is non-null, whose FORBIDDEN null would wipe the customer', () => {
    const schema = buildSchema(GATEWAY_SDL + '\nextend type Customer { "New." pin: String! @requiresScopes(scopes: [["pii:read"]]) }');
    expect(scopeRuleProblems(schema)).toEqual(['Customer.pin has an access rule but is non-null: make it nullable, so that a FORBIDDEN null does not wipe Customer.']);
  });

  it('pass a single-set rule down: a silo record field needs its section\'s profile:read and its own pii:read', () => {
    const rules = ownRules(buildSchema(GATEWAY_SDL));
    expect(effectiveScopes(rules, ['Customer.crm', 'CrmContact.email'])).toEqual([['profile:read', 'pii:read']]);
    expect(effectiveScopes(rules, ['Customer.journey', 'JourneyConnection.edges'])).toEqual([['journey:read']]);
    expect(rules.get('Mutation.evictCustomer')).toEqual({ authenticated: true, scopes: [['admin']] });
  });
});

const TOY_SDL = `${ACCESS_SDL}
type Query { person: Person @requiresScopes(scopes: [["profile:read"], ["pii:read"]]) }
type Person {
  id: ID @requiresScopes(scopes: [["profile:read"]])
  email: String @requiresScopes(scopes: [["pii:read"]])
  emails: [String!] @requiresScopes(scopes: [["pii:read"]])
  secret: String @authenticated @requiresScopes(scopes: [["admin"]])
}`;

function toyContext(scopes: Scope[], kind: AccessGrant['kind'] = 'apiKey') {
  const logs: string[] = [];
  return { access: { kind, client: 'toy', scopes: new Set(scopes) }, audit: new AccessRecord(), services: { logger: createLogger('debug', (line) => logs.push(line)) }, logs };
}

async function runToy(query: string, contextValue: ReturnType<typeof toyContext>) {
  const built = buildSchema(TOY_SDL);
  built.getQueryType()!.getFields()['person']!.resolve = () => ({ id: 'p1', email: 'ann@example.com', emails: [], secret: 's3' });
  const schema = guardFields(built);
  return JSON.parse(JSON.stringify(await graphql({ schema, source: query, contextValue })));
}

describe('guardFields', () => {
  it('answers a field the grant may not read null with FORBIDDEN at its path, the scopes it needs, and no value; the rest stands', async () => {
    const result = await runToy('{ person { id email } }', toyContext(['profile:read']));
    expect(result).toEqual({
      data: { person: { id: 'p1', email: null } },
      errors: [
        {
          message: 'Person.email needs the scope "pii:read", which this client does not hold.',
          locations: [{ line: 1, column: 15 }],
          path: ['person', 'email'],
          extensions: { code: 'FORBIDDEN', requiredScopes: [['pii:read']] },
        },
      ],
    });
  });

  it('refuses an anonymous grant on an @authenticated field even with the scope, and lets a keyed client with it read', async () => {
    const anonymousContext = toyContext(['profile:read', 'admin'], 'anonymous');
    const anonymous = await runToy('{ person { secret } }', anonymousContext);
    expect(anonymous.data).toEqual({ person: { secret: null } });
    expect(anonymous.errors[0].message).toBe('Person.secret needs credentials (a bearer token or an API key): anonymous clients may not read it.');
    expect(anonymous.errors[0].extensions).toEqual({ code: 'FORBIDDEN', requiredScopes: [['admin']] });
    // A refused admin operation is logged with who tried, never a credential.
    expect(anonymousContext.logs.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: 'warn', message: 'admin operation refused', reason: 'anonymous client', operation: 'Person.secret', client: 'toy', kind: 'anonymous' }),
    ]);
    const keyed = await runToy('{ person { secret } }', toyContext(['profile:read', 'admin']));
    expect(keyed).toEqual({ data: { person: { secret: 's3' } } });
  });

  it('notes in the access record the personal fields that answered a value, and the scopes used', async () => {
    const context = toyContext(['profile:read', 'pii:read']);
    await runToy('{ person { id email emails } }', context);
    // `emails` answered an empty list: nothing personal was read there.
    expect(context.audit.entry(['profile:read', 'pii:read'])).toEqual({
      customers: [],
      fields: ['Person.email'],
      lookups: { email: 0, phone: 0 },
      scopes: ['profile:read', 'pii:read'],
    });
  });

  it('notes nothing for a request that read no personal data', async () => {
    const context = toyContext(['profile:read']);
    await runToy('{ person { id } }', context);
    expect(context.audit.entry(['profile:read', 'pii:read'])).toBeNull();
  });

  it('stops the gateway at start on an unknown scope, and on a rule put on a type, which it would not enforce', () => {
    const typo = `${ACCESS_SDL}\ntype Query { a: String @requiresScopes(scopes: [["pii:raed"]]) }`;
    expect(() => guardFields(buildSchema(typo))).toThrow('Query.a: @requiresScopes names an unknown scope "pii:raed".');
    const onType = `${ACCESS_SDL}\ntype Query { a: A }\ntype A @requiresScopes(scopes: [["pii:read"]]) { b: String }`;
    expect(() => guardFields(buildSchema(onType))).toThrow('A: @authenticated and @requiresScopes are enforced on fields only');
  });
});
