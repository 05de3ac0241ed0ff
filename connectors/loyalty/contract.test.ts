import { PLACEHOLDER_EMAILS, generatePopulation } from '../../demo/population/generate.js';
import type { OpenLoyaltyMember } from '../population.js';
import { CONTRACT_NOW, connectorContract } from '../../test/contract/connector-contract.js';
import type { Identifier, LoyaltyMemberRecord } from '../types.js';
import { createLoyaltyConnector } from './client.js';
import { createLoyaltySimulator } from './simulator.js';

const USERNAME = 'gateway@shop.example';
const PASSWORD = 'right-loyalty-password';
const BAD_PASSWORD = 'wrong-loyalty-password-7c1f';

/** A member's email as the gateway sends it (trimmed, lower-cased), null for none or a placeholder. */
function sentEmail(member: OpenLoyaltyMember): string | null {
  const email = member.email?.trim().toLowerCase() ?? null;
  return email === null || !email.includes('@') || PLACEHOLDER_EMAILS.includes(email) ? null : email;
}

connectorContract<LoyaltyMemberRecord>('Loyalty (Open Loyalty)', async ({ timeoutMs }) => {
  const population = generatePopulation({ seed: 7, size: 200, now: CONTRACT_NOW });
  const members = population.loyalty.members;
  const simulator = createLoyaltySimulator({ population, username: USERNAME, password: PASSWORD });
  const base = {
    baseUrl: await simulator.listen(),
    storeCode: population.loyalty.storeCode,
    username: USERNAME,
    timeoutMs,
    connections: 4,
  };
  const connector = createLoyaltyConnector({ ...base, password: PASSWORD });
  const connectorWithBadCredentials = createLoyaltyConnector({ ...base, password: BAD_PASSWORD });

  /** An identifier (the first member's, unless `wanted`) and the ids of every member carrying it. */
  const carrying = (
    type: Identifier['type'],
    value: (m: OpenLoyaltyMember) => string | null,
    wanted = members.map(value).find((v) => v !== null)!,
  ) => ({ identifier: { type, value: wanted }, expectIds: members.filter((m) => value(m) === wanted).map((m) => m.customerId) });
  // An email stored with capitals or spaces: the lookup must still find it.
  const messyEmail = sentEmail(members.find((m) => sentEmail(m) !== null && sentEmail(m) !== m.email)!)!;
  const emails = [...new Set(members.map(sentEmail).filter((e) => e !== null))];

  return {
    simulator,
    connector,
    connectorWithBadCredentials,
    badSecret: BAD_PASSWORD,
    knownIds: members.map((m) => m.customerId),
    idOf: (record) => record.id,
    lookups: [
      carrying('loyalty', (m) => m.customerId),
      carrying('card', (m) => m.loyaltyCardNumber),
      carrying('phone', (m) => m.phone),
      carrying('email', sentEmail, messyEmail),
    ],
    // A login and the tier list (both reused afterwards), then one member list call.
    maxCallsToFetch50: 3,
    maxCallsToLookup20: 2,
    twentyIdentifiers: emails.slice(0, 20).map((value) => ({ type: 'email', value })),
    async close() {
      await Promise.all([connector.close(), connectorWithBadCredentials.close()]);
      await simulator.close();
    },
  };
});
