/**
 * The floor of the personalization question ("for these 50 customers: lifecycle stage, 12-month
 * lifetime value and the segments they are in", bench/shared.ts PERSONALIZATION_QUERY): what a
 * hand-written handler does to answer it for a batch, with no GraphQL, no identity layer, no
 * DataLoaders and no per-field planning. It knows each person's records (the population's ground
 * truth, as the gateway's warm identity cache does), reads what the question needs for the whole
 * batch, and computes the figures with the same pure functions the gateway uses (src/insights),
 * since they ARE the answer.
 *
 * What it reads, decided once at start from the demo segments' rules (their combined needs) plus
 * the purchases the stage and the value need:
 *   - each person's whole history of each needed stream (loyalty receipts, shop orders, analytics
 *     visits, ...), 250 events a read, through the gateway's connectors (journey-floor.ts says why
 *     the connectors: they ARE the upstream calls);
 *   - the batch's records in one call per silo where a rule or a figure needs them: the shop
 *     customers (the currency money is counted in), loyalty members (tier, points, consent), CRM
 *     contacts (consent), analytics visitors (first logins);
 *   - once every history is in, the categories of every product the batch's lines name, in one
 *     call (the fewest the shop allows).
 *
 * It applies the gateway's consent rule (src/golden/consent.ts, PROFILING_CONSENT): the loyalty
 * members are always read, since they hold the profiling decision (`agreement3`), and a person
 * whose profiling consent withholds personalization answers null figures, as the gateway does
 * (with CONSENT_REQUIRED errors beside them, which the floor does not write).
 */
import { shopCurrencyOf } from '../src/journey/summary.js';
import type { CrmContactRecord, CrmSubscriptionStatusRecord, SiloConnectors } from '../connectors/types.js';
import type { ClvModel } from '../src/insights/clv/model-file.js';
import { clvPAlive, clvValue, customerClv, type ClvValuation } from '../src/insights/customer-clv.js';
import { customerLifecycle, type LifecycleThresholds } from '../src/insights/lifecycle.js';
import { bgNbdInputs, purchaseHistory } from '../src/insights/purchase-history.js';
import { customerRfm } from '../src/insights/rfm.js';
import {
  clvFeatures,
  combinedNeeds,
  consentFeatures,
  journeyFeatures,
  lifecycleFeatures,
  loyaltyFeatures,
  rfmFeatures,
  segmentFeatures,
  segmentOutcome,
  type CompiledSegment,
  type SegmentFeatures,
} from '../src/insights/segments/index.js';
import { ownFirstLogins, shopIdMatcher, visitOwner } from '../src/graphql/journey-readers.js';
import { goldenConsent, profilingAllowed, type ProfilingConsentMode } from '../src/golden/consent.js';
import { encodeGoldenId } from '../src/identity/golden-id.js';
import type { NormalizeOptions } from '../src/identity/normalize.js';
import type { JourneyStream, StreamEvents, TouchpointRecord } from '../src/journey/touchpoint.js';
import { touchpointsOf } from '../src/journey/touchpoints.js';
import { readAll } from './journey-floor.js';
import type { GatewaySettings } from '../src/server/config.js';
import type { BenchPerson } from './shared.js';

/** The question's `clv { value(months: 12) }`, and the segments' own horizon (catalogue.ts). */
const CLV_MONTHS = 12;
/** The purchases: what the stage and the value are computed from (src/graphql/insights.ts PURCHASE_STREAMS). */
const PURCHASE_STREAMS: readonly JourneyStream[] = ['loyalty.transactions', 'commerce.orders'];

/** The settings the figures depend on: the gateway's defaults (src/server/config.ts). */
export interface PersonalizationSettings {
  model: ClvModel;
  segments: readonly CompiledSegment[];
  rfmWindowDays: number;
  lifecycle: LifecycleThresholds;
  valuation: ClvValuation;
  timeZone: string;
  defaultCountry: NormalizeOptions['defaultCountry'];
  /** PROFILING_CONSENT: which profiling consent withholds the figures. */
  profilingConsent: ProfilingConsentMode;
}

/** The floor's settings from the gateway's (the same defaults and environment), with the model and segments loaded. */
export function personalizationSettings(settings: GatewaySettings, model: ClvModel, segments: readonly CompiledSegment[]): PersonalizationSettings {
  const { insights } = settings;
  return {
    model,
    segments,
    rfmWindowDays: insights.rfmWindowDays,
    lifecycle: insights.lifecycle,
    valuation: { monthlyDiscountRate: insights.clv.monthlyDiscountRate, margin: insights.clv.margin },
    timeZone: settings.timeZone,
    defaultCountry: settings.defaultCountry,
    profilingConsent: insights.profilingConsent,
  };
}

/** One customer of the answer, as the gateway answers `customers(ids:)` for the question. */
export interface PersonalizationAnswer {
  id: string;
  /** Null, as `clv` and `segments`, when the person's profiling consent withholds personalization. */
  lifecycle: { stage: string } | null;
  clv: { value: number | null } | null;
  segments: Array<{ name: string }> | null;
}

const at = (iso: string): number => Date.parse(iso);

/**
 * The floor's handler: the answers for a batch of persons, in their order.
 * @throws a SourceError when a silo fails (the floor answers 502 then).
 */
export function personalizationFloor(connectors: SiloConnectors, settings: PersonalizationSettings): (persons: readonly BenchPerson[]) => Promise<PersonalizationAnswer[]> {
  const needs = combinedNeeds(settings.segments.map((s) => s.needs));
  const streams = new Set<JourneyStream>([...PURCHASE_STREAMS, ...needs.streams]);
  const groups = new Set(needs.groups);
  const wantsContacts = streams.has('crm.contacts');
  const wantsVisitors = streams.has('analytics.logins');
  const normalize = { defaultCountry: settings.defaultCountry };

  return async (persons) => {
    const now = Date.now();
    const visitorIds = persons.flatMap((p) => p.analytics);
    const [shopCustomers, members, contacts, visitors, histories] = await Promise.all([
      // The currency money is counted in, from each shop account (and the shop's creation events).
      connectors.commerce.fetchRecords(persons.map((p) => p.commerce)),
      // The members hold the profiling consent: read whatever the segments need.
      connectors.loyalty.fetchRecords(persons.map((p) => p.loyalty)),
      wantsContacts ? connectors.crm.fetchRecords(persons.map((p) => p.crm)) : Promise.resolve(null),
      wantsVisitors && visitorIds.length > 0 ? connectors.analytics.fetchRecords(visitorIds) : Promise.resolve([]),
      Promise.all(persons.map((person) => readHistories(connectors, person, streams, normalize))),
    ]);
    // fetchRecords answers in the order asked (null for an unknown id).
    const visitorById = new Map(visitorIds.map((id, j) => [id, visitors[j] ?? null] as const));

    const touchpointsByPerson = persons.map((person, i) => {
      const touchpoints = histories[i]!;
      const add = <S extends JourneyStream>(stream: S, event: StreamEvents[S] | null | undefined): void => {
        if (event) touchpoints.push(...touchpointsOf(stream, event));
      };
      if (streams.has('commerce.customers')) add('commerce.customers', shopCustomers[i]);
      if (members) add('loyalty.members', members[i]);
      if (contacts) add('crm.contacts', contacts[i]);
      if (wantsVisitors) {
        for (const id of person.analytics) {
          const visitor = visitorById.get(id);
          if (!visitor) continue;
          for (const login of ownFirstLogins(visitor, [person.commerce], normalize)) add('analytics.logins', { visitor, login });
        }
      }
      return touchpoints;
    });

    // The consent features are the golden consent: the contacts' EMAIL subscription statuses
    // (HubSpot communication preferences) beside the records, one call for the batch.
    const emailsOf = (contact: CrmContactRecord | null | undefined): string[] =>
      contact ? [contact.email, ...contact.additionalEmails].filter((e): e is string => !!e?.trim()) : [];
    const subscriptionEmails = groups.has('consent') && contacts ? [...new Set(contacts.flatMap(emailsOf))] : [];
    const subscriptions = new Map<string, CrmSubscriptionStatusRecord[]>();
    if (subscriptionEmails.length > 0) {
      const statuses = await connectors.crm.subscriptionStatuses(subscriptionEmails);
      subscriptionEmails.forEach((email, j) => subscriptions.set(email, statuses[j] ?? []));
    }

    const categories = new Map<string, string | null>();
    if (needs.productCategories) {
      const ids = new Set<string>();
      for (const touchpoints of touchpointsByPerson) {
        for (const t of touchpoints) for (const line of t.items) if ('productId' in line && line.productId !== null) ids.add(line.productId);
      }
      if (ids.size > 0) for (const [id, category] of await connectors.commerce.productCategories([...ids])) categories.set(id, category);
    }

    return persons.map((person, i) => {
      const member = members?.[i];
      const profiling = goldenConsent({ crm: [], loyalty: member ? [member] : [], commerce: [] }).find((c) => c.purpose === 'profiling')!;
      const id = encodeGoldenId({ source: 'crm', id: person.crm });
      if (!profilingAllowed(profiling, settings.profilingConsent)) return { id, lifecycle: null, clv: null, segments: null };
      const touchpoints = touchpointsByPerson[i]!;
      const currency = shopCurrencyOf(touchpoints, shopCustomers[i]?.currency ?? null);
      const history = purchaseHistory(touchpoints, { currency, timeZone: settings.timeZone });
      const clv = customerClv(settings.model, bgNbdInputs(history, now), history.currency, settings.valuation);
      const pAlive = clvPAlive(clv);
      const stage = customerLifecycle(history, now, { thresholds: settings.lifecycle, pAlive }).stage;
      const value = clvValue(clv, CLV_MONTHS);
      const built: { -readonly [G in keyof SegmentFeatures]?: SegmentFeatures[G] } = {};
      if (groups.has('journey')) {
        built.journey = journeyFeatures(touchpoints, {
          now,
          streams: needs.streams,
          currency,
          ...(needs.productCategories ? { categoryOf: (id: string) => categories.get(id) ?? null } : {}),
        });
      }
      if (groups.has('lifecycle')) built.lifecycle = lifecycleFeatures({ stage });
      if (groups.has('rfm')) built.rfm = rfmFeatures(customerRfm(history, now, { windowDays: settings.rfmWindowDays, breakpoints: settings.model.rfm }));
      if (groups.has('clv')) built.clv = clvFeatures({ value, pAlive });
      if (groups.has('loyalty')) built.loyalty = loyaltyFeatures(member ? [member] : []);
      if (groups.has('consent')) {
        const contact = contacts?.[i];
        const shop = shopCustomers[i];
        const golden = goldenConsent({
          crm: contact ? [contact] : [],
          crmSubscriptions: emailsOf(contact).flatMap((email) => subscriptions.get(email) ?? []),
          loyalty: member ? [member] : [],
          commerce: shop ? [shop] : [],
        });
        built.consent = consentFeatures({ crmContacts: contact ? [contact] : [], loyaltyMembers: member ? [member] : [], commerceCustomers: shop ? [shop] : [] }, golden);
      }
      const features = segmentFeatures(built);
      return {
        id,
        lifecycle: { stage },
        clv: { value },
        segments: settings.segments.filter((segment) => segmentOutcome(segment, features) === 'in').map((segment) => ({ name: segment.name })),
      };
    });
  };
}

/** The touchpoints of one person's event histories among `streams` (the record streams are the caller's). */
async function readHistories(connectors: SiloConnectors, person: BenchPerson, streams: ReadonlySet<JourneyStream>, normalize: NormalizeOptions): Promise<TouchpointRecord[]> {
  const loyaltyIds = [person.loyalty];
  const commerceIds = [person.commerce];
  const none = Promise.resolve([]);
  const [transactions, redemptions, orders, visits] = await Promise.all([
    streams.has('loyalty.transactions') ? readAll((w) => connectors.loyalty.transactionHistory(loyaltyIds, w), (t) => ({ at: at(t.purchasedAt), id: t.id })) : none,
    streams.has('loyalty.redemptions') ? readAll((w) => connectors.loyalty.redemptionHistory(loyaltyIds, w), (r) => ({ at: at(r.redeemedAt), id: r.id })) : none,
    streams.has('commerce.orders') ? readAll((w) => connectors.commerce.orderHistory(commerceIds, w), (o) => ({ at: at(o.createdAt), id: o.id })) : none,
    streams.has('analytics.visits') && person.analytics.length > 0
      ? readAll((w) => connectors.analytics.visitHistory(person.analytics, w), (v) => ({ at: at(v.endedAt), id: v.id }))
      : none,
  ]);
  const touchpoints: TouchpointRecord[] = [];
  for (const t of transactions) touchpoints.push(...touchpointsOf('loyalty.transactions', t));
  for (const r of redemptions) touchpoints.push(...touchpointsOf('loyalty.redemptions', r));
  for (const o of orders) touchpoints.push(...touchpointsOf('commerce.orders', o));
  // The person's own visits only, as the gateway keeps them: none logged in as someone else.
  const loggedInAs = shopIdMatcher(commerceIds, normalize);
  for (const v of visits) if (commerceIds.length === 0 || visitOwner(v, loggedInAs) !== undefined) touchpoints.push(...touchpointsOf('analytics.visits', v));
  return touchpoints;
}
