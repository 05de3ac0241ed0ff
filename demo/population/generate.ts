/**
 * The seeded population generator: a French retailer's customers, spread over its four silos with
 * the mess real silos have (duplicates, merges, reissued cards, households sharing a landline,
 * placeholders, emails and phones typed every which way), plus the truth of who is who.
 *
 * The pipeline is: a product catalog (./catalog.ts) and a list of real persons (./people.ts: who
 * they are, which silos know them), then one projection per silo (./crm.ts, ./loyalty.ts,
 * ./commerce.ts, ./analytics.ts) that drafts that silo's records for each person with the silo's
 * own mess, then {@link connectRecords} (./links.ts), which makes sure a person's records are tied
 * by something a retailer can match on (the mess stays, but resolvable, apart from documented
 * cases), then ids and the truth (here). Every random draw comes from a {@link Random} stream
 * named after its stage, so the same seed, size and `now` always give the same population, byte
 * for byte.
 *
 * Rates are in {@link RATES} (./rates.ts); docs/population.md explains each one. Each messy case
 * lives in ./messy/ (households, CRM duplicates, reissued cards, spellings, phone formats,
 * placeholders, mailboxes, shared devices, padded ids); the silo modules decide where they happen.
 * This file is the entry: other code imports {@link generatePopulation} and the constants from here.
 */
import { POPULATION_FORMAT_VERSION, type Population, type SourceName, type TruthEntry } from '../../connectors/population.js';
import { projectAnalytics } from './analytics.js';
import { addAppAndCampaigns } from './analytics-app-campaigns.js';
import { makeCatalog } from './catalog.js';
import { projectCommerce, draftCommerce } from './commerce.js';
import { addPromotions } from './commerce-promotions.js';
import { assignCrmIds, draftCrm } from './crm.js';
import { addConsent } from './consent.js';
import { connectRecords } from './links.js';
import { draftLoyalty, projectLoyalty } from './loyalty.js';
import { drawRedemptions } from './loyalty-redemptions.js';
import { makePeople, type Person } from './people.js';
import { Random } from './random.js';
import type { Owned } from './records.js';
import { clockAt, startOfUtcDay } from './time.js';

export { PLACEHOLDER_EMAILS, PLACEHOLDER_PHONES, RATES, RETAILER } from './rates.js';
export { isPlaceholderEmail } from './messy/placeholders.js';
export { writtenCountryCode } from './countries.js';
export { startOfUtcDay };

export interface GenerateOptions {
  /** Integer from 0 to 2^32 - 1. */
  seed: number;
  /** Number of real persons, at least 1. */
  size: number;
  /** The moment the population is generated at; every date falls in the five years before it. */
  now?: Date;
}

function buildTruth(people: readonly Person[], silos: ReadonlyArray<readonly [SourceName, Owned<unknown>['owners']]>): TruthEntry[] {
  const records: Array<TruthEntry['records']> = people.map(() => []);
  for (const [source, owners] of silos) {
    for (const { person, id } of owners) records[person]?.push({ source, id });
  }
  return people.map((p, i) => {
    const entry: TruthEntry = { person: p.id, records: records[i] ?? [] };
    return p.household === null ? entry : { ...entry, household: p.household };
  });
}

function checkOptions(options: GenerateOptions): void {
  const { seed, size, now } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, but got: ${seed}`);
  }
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer of at least 1, but got: ${size}`);
  if (now !== undefined && Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date, but got: Invalid Date');
}

/**
 * A whole population: `size` persons over the four silos, with the truth. The same seed, size and
 * `now` give the same population, byte for byte. `now` defaults to the start of the current UTC day.
 * The journey's fields (discount codes, refunds, reward redemptions, the app's site, campaign
 * fields) and consent's (SMS consent, the data-processing agreement, the legal basis: consent.ts)
 * are drawn from streams of their own: without them, a population is byte for byte what the
 * generator wrote before they were added.
 */
export function generatePopulation(options: GenerateOptions): Population {
  checkOptions(options);
  const now = options.now ?? startOfUtcDay(new Date());
  const clock = clockAt(now);
  const root = new Random(options.seed);
  const catalog = makeCatalog(root.fork('catalog'));
  const people = makePeople(root.fork('people'), options.size, clock);
  const [crmRng, loyaltyRng, commerceRng] = [root.fork('crm'), root.fork('loyalty'), root.fork('commerce')];
  const crmDrafts = draftCrm(crmRng, people, clock);
  const loyaltyDrafts = draftLoyalty(loyaltyRng, people, catalog, clock);
  const customerDrafts = draftCommerce(commerceRng, people, catalog, clock);
  connectRecords(root.fork('links'), crmDrafts, loyaltyDrafts.drafts, customerDrafts);
  const crm = assignCrmIds(crmRng, crmDrafts);
  const loyalty = projectLoyalty(loyaltyRng, loyaltyDrafts);
  const commerce = projectCommerce(commerceRng, customerDrafts, catalog);
  const analytics = projectAnalytics(root.fork('analytics'), people, catalog, commerce.accounts, clock);
  // The journey's additions come last, each from a stream of its own that nothing above draws
  // from: every field above stays what it was for a seed, and the additions are only added.
  const redemptions = drawRedemptions(root.fork('journey:loyalty'), loyaltyDrafts.drafts, loyalty.silo.members, clock);
  addPromotions(root.fork('journey:commerce'), commerce.silo.orders, commerce.silo.customers, clock);
  const analyticsSilo = addAppAndCampaigns(root.fork('journey:analytics'), analytics.silo);
  // Consent (issue 15) likewise: added fields only, from its own stream.
  addConsent(root.fork('consent'), crm.silo, loyalty.silo, commerce.silo, now);
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: options.seed,
    generatedAt: now.toISOString(),
    crm: crm.silo,
    loyalty: { ...loyalty.silo, redemptions },
    commerce: commerce.silo,
    analytics: analyticsSilo,
    truth: buildTruth(people, [
      ['crm', crm.owners],
      ['loyalty', loyalty.owners],
      ['commerce', commerce.owners],
      ['analytics', analytics.owners],
    ]),
  };
}
