/**
 * The feature catalogue (pure): everything a segment rule may read, as one typed table. Each
 * feature is a field or a method of one of six groups (the rule's variables): `lifecycle`, `rfm`,
 * `clv`, `journey`, `loyalty`, `consent`. For each: its CEL type, what it means (with its unit),
 * and the journey streams (src/journey/touchpoint.ts) it is computed from, which is what a rule
 * reading it costs: a segment needs the silos of the streams of the features it reads, no more
 * (dependencies.ts). The README's feature table is {@link formatFeatureTable}'s output.
 *
 * CEL types (github.com/google/cel-spec, doc/langdef.md, "Values"): `int` is a whole number
 * (compare with `3`), `double` a decimal (`100.0`, though `100` compares too), `string`, `bool`,
 * `list<string>`. A feature may be unknown (a silo failed, no model is loaded, a customer with no
 * purchase has no recency): see compile.ts for how rules read unknown values.
 */
import type { Channel, Source } from '../../generated/graphql.js';
import { JOURNEY_STREAMS, STREAM_SOURCE, type JourneyStream } from '../../journey/touchpoint.js';

/** The groups of features: each is one variable of a rule (`journey.purchases`). */
export type FeatureGroup = 'lifecycle' | 'rfm' | 'clv' | 'journey' | 'loyalty' | 'consent';

/** The groups in the README's order. */
export const FEATURE_GROUPS: readonly FeatureGroup[] = ['lifecycle', 'rfm', 'clv', 'journey', 'loyalty', 'consent'];

/** The CEL types a feature field has. */
export type FieldType = 'int' | 'double' | 'string' | 'bool' | 'list<string>';

/** A field of a group: `rfm.recencyDays`. */
export interface FieldFeature {
  kind: 'field';
  type: FieldType;
  /** What it means, with its unit and what it is when there is nothing to count. */
  meaning: string;
  /** The journey streams it is computed from; empty for none. */
  streams: readonly JourneyStream[];
  /** True when it also needs the shop's product categories (Shopify keeps them on the product). */
  productCategories?: true;
  /** The only values it takes, when there are few: a rule comparing it to another literal is refused at load. */
  values?: readonly string[];
}

/** A parameter of a method feature. */
export interface MethodParam {
  name: string;
  type: 'int' | 'string';
}

/** A method of a group: `journey.purchasesInLast(30)`. */
export interface MethodFeature {
  kind: 'method';
  params: readonly MethodParam[];
  returns: 'int' | 'double' | 'bool';
  meaning: string;
  streams: readonly JourneyStream[];
  productCategories?: true;
}

export type Feature = FieldFeature | MethodFeature;

/** The fewest and most days a window method takes (`purchasesInLast(days)`): one day to ten years. */
export const WINDOW_DAYS = { min: 1, max: 3650 } as const;

/** The purchases: store receipts (sales and returns) and online orders (with their refunds). */
const PURCHASES: readonly JourneyStream[] = ['loyalty.transactions', 'commerce.orders'];
const VISITS: readonly JourneyStream[] = ['analytics.visits'];

/**
 * The lifecycle stages of issue 14 (`Customer.lifecycle.stage`), as the lifecycle module names
 * them; a rule comparing `lifecycle.stage` to another text is refused at load.
 */
export const LIFECYCLE_STAGES: readonly string[] = ['registered', 'firstPurchase', 'repeat', 'frequent', 'slowingDown', 'lapsed'];

/** The schema's channels (`enum Channel`); a new channel fails to compile here. */
const CHANNELS: { readonly [C in Channel]: true } = { store: true, web: true, app: true, email: true, campaign: true };

/** Shopify's email marketing consent states (`CommerceCustomer.emailMarketingConsent`). */
export const SHOP_EMAIL_CONSENT_STATES: readonly string[] = ['subscribed', 'not_subscribed', 'unsubscribed', 'pending'];

/** The window of a method, as its meaning says it. */
const IN_WINDOW = `in the last \`days\` days (${WINDOW_DAYS.min} to ${WINDOW_DAYS.max}), counted back from now`;
const window = (what: string): string => `${what} ${IN_WINDOW}.`;

/**
 * Every feature, per group. The lifecycle, RFM and CLV values are computed by their own modules
 * from the customer's purchases (store receipts and online orders), so reading them costs those
 * two streams; the journey's figures use the definitions of the journey summary
 * (src/journey/summary.ts: a purchase is a store purchase or an online order, spend is net of
 * store returns and online refunds, in the summary's currency).
 */
export const FEATURES: { readonly [G in FeatureGroup]: Readonly<Record<string, Feature>> } = {
  lifecycle: {
    stage: {
      kind: 'field',
      type: 'string',
      meaning: `Where the customer is in their life cycle: ${LIFECYCLE_STAGES.map((s) => `\`${s}\``).join(', ')}.`,
      streams: PURCHASES,
      values: LIFECYCLE_STAGES,
    },
  },
  rfm: {
    recencyDays: { kind: 'field', type: 'int', meaning: 'Days since the last purchase; unknown for a customer who never bought.', streams: PURCHASES },
    frequency: { kind: 'field', type: 'int', meaning: 'Purchases in the RFM window.', streams: PURCHASES },
    monetary: { kind: 'field', type: 'double', meaning: 'Net spend in the RFM window, in the shop currency.', streams: PURCHASES },
    averageOrderValue: { kind: 'field', type: 'double', meaning: 'Net spend per purchase in the RFM window; unknown without a purchase in it.', streams: PURCHASES },
    recencyScore: { kind: 'field', type: 'int', meaning: 'R score, 1 to 5 (5: most recent), against the population’s quintiles; unknown without a model.', streams: PURCHASES },
    frequencyScore: { kind: 'field', type: 'int', meaning: 'F score, 1 to 5 (5: most purchases), against the population’s quintiles; unknown without a model.', streams: PURCHASES },
    monetaryScore: { kind: 'field', type: 'int', meaning: 'M score, 1 to 5 (5: most spend), against the population’s quintiles; unknown without a model.', streams: PURCHASES },
  },
  clv: {
    value: { kind: 'field', type: 'double', meaning: 'Customer lifetime value over the next 12 months (BG/NBD and Gamma-Gamma), in the shop currency; unknown without a model.', streams: PURCHASES },
    pAlive: { kind: 'field', type: 'double', meaning: 'P(alive): the probability, 0 to 1, that the customer still buys (BG/NBD); unknown without a model.', streams: PURCHASES },
  },
  journey: {
    touchpoints: { kind: 'field', type: 'int', meaning: 'Touchpoints of the whole history, every silo.', streams: JOURNEY_STREAMS },
    channels: {
      kind: 'field',
      type: 'list<string>',
      meaning: `Channels with at least one touchpoint (${Object.keys(CHANNELS).map((c) => `\`${c}\``).join(', ')}): \`"web" in journey.channels\`.`,
      streams: JOURNEY_STREAMS,
      values: Object.keys(CHANNELS),
    },
    devices: { kind: 'field', type: 'int', meaning: 'Devices (browsers and app installs) that visited.', streams: VISITS },
    purchases: { kind: 'field', type: 'int', meaning: 'Store purchases plus online orders, whole history.', streams: PURCHASES },
    returns: { kind: 'field', type: 'int', meaning: 'Store returns plus refunded online orders (fully or partly).', streams: PURCHASES },
    totalSpend: { kind: 'field', type: 'double', meaning: 'Net spend of the whole history (purchases minus returns and refunds), in `journey.currency`.', streams: PURCHASES },
    currency: { kind: 'field', type: 'string', meaning: 'ISO 4217 currency of the spend figures: the shop’s, else the one most purchases were in; `""` when neither is known.', streams: PURCHASES },
    storePurchases: { kind: 'field', type: 'int', meaning: 'Purchases at a store till.', streams: ['loyalty.transactions'] },
    onlineOrders: { kind: 'field', type: 'int', meaning: 'Online orders (refunded or not).', streams: ['commerce.orders'] },
    webVisits: { kind: 'field', type: 'int', meaning: 'Website visits no campaign brought.', streams: VISITS },
    appVisits: { kind: 'field', type: 'int', meaning: 'App visits no campaign brought.', streams: VISITS },
    campaignVisits: { kind: 'field', type: 'int', meaning: 'Visits a marketing campaign brought (email, ads, social...).', streams: VISITS },
    favouriteStore: { kind: 'field', type: 'string', meaning: 'The store with the most store purchases (ties by name); `""` without any.', streams: ['loyalty.transactions'] },
    favouriteCategories: {
      kind: 'field',
      type: 'list<string>',
      meaning: 'The categories bought most (units net of returns), at most 5, as the journey summary lists them.',
      streams: PURCHASES,
      productCategories: true,
    },
    daysSinceFirstPurchase: { kind: 'field', type: 'int', meaning: 'Whole days since the first purchase; unknown for a customer who never bought.', streams: PURCHASES },
    daysSinceLastVisit: { kind: 'field', type: 'int', meaning: 'Whole days since the last visit (web or app); unknown without a visit.', streams: VISITS },
    purchasesInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'int', meaning: window('Purchases (store and online)'), streams: PURCHASES },
    storePurchasesInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'int', meaning: window('Store purchases'), streams: ['loyalty.transactions'] },
    onlineOrdersInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'int', meaning: window('Online orders'), streams: ['commerce.orders'] },
    spendInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'double', meaning: window('Net spend (as `totalSpend`)'), streams: PURCHASES },
    visitsInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'int', meaning: window('Visits (web, app, campaign)'), streams: VISITS },
    campaignVisitsInLast: { kind: 'method', params: [{ name: 'days', type: 'int' }], returns: 'int', meaning: window('Visits a campaign brought'), streams: VISITS },
    visitedFromCampaign: {
      kind: 'method',
      params: [{ name: 'campaign', type: 'string' }, { name: 'days', type: 'int' }],
      returns: 'bool',
      meaning: `Whether a visit came from this campaign (its name, any case) ${IN_WINDOW}.`,
      streams: VISITS,
    },
    boughtCategory: {
      kind: 'method',
      params: [{ name: 'category', type: 'string' }, { name: 'days', type: 'int' }],
      returns: 'bool',
      meaning: `Whether a store purchase or an online order (not fully refunded) had a line of this category (any case) ${IN_WINDOW}.`,
      streams: PURCHASES,
      productCategories: true,
    },
    viewedCategory: {
      kind: 'method',
      params: [{ name: 'category', type: 'string' }, { name: 'days', type: 'int' }],
      returns: 'bool',
      meaning: `Whether a product of this category (any case) was viewed on the site or in the app ${IN_WINDOW}.`,
      streams: VISITS,
    },
  },
  loyalty: {
    member: { kind: 'field', type: 'bool', meaning: 'Whether the customer has an active loyalty membership.', streams: ['loyalty.members'] },
    tier: { kind: 'field', type: 'string', meaning: 'Tier (level) of the active membership, e.g. `"Gold"`; `""` without one.', streams: ['loyalty.members'] },
    points: { kind: 'field', type: 'double', meaning: 'Points the customer can spend now (active memberships); 0 without one.', streams: ['loyalty.members'] },
  },
  consent: {
    emailMarketing: {
      kind: 'field',
      type: 'bool',
      meaning:
        'Whether the customer’s golden email-marketing consent is `granted` (`Customer.consent.emailMarketing`: their most recent explicit decision, a withdrawal never overridden by an older grant); false when denied or never decided; unknown when a silo that may hold a withdrawal failed.',
      streams: ['crm.contacts', 'loyalty.members', 'commerce.customers'],
    },
    smsMarketing: {
      kind: 'field',
      type: 'bool',
      meaning: 'Whether the customer’s golden SMS-marketing consent is `granted` (`Customer.consent.smsMarketing`), read as `emailMarketing` is.',
      streams: ['loyalty.members', 'commerce.customers'],
    },
    crmEmailOptOut: { kind: 'field', type: 'bool', meaning: 'Whether a CRM contact opted out of all marketing email (HubSpot `hs_email_optout`); unknown when no contact says.', streams: ['crm.contacts'] },
    shopEmailMarketing: {
      kind: 'field',
      type: 'string',
      meaning: `The shop's email marketing state (Shopify): ${SHOP_EMAIL_CONSENT_STATES.map((s) => `\`${s}\``).join(', ')}; with several shop accounts, the most restrictive; unknown when none says.`,
      streams: ['commerce.customers'],
      values: SHOP_EMAIL_CONSENT_STATES,
    },
    loyaltyMarketing: { kind: 'field', type: 'bool', meaning: 'Whether the loyalty member agreed to marketing (Open Loyalty `agreement2`); false when one membership refused; unknown when none says.', streams: ['loyalty.members'] },
  },
};

/** The feature `group.name`, or undefined when the group has none of that name. */
export function featureOf(group: FeatureGroup, name: string): Feature | undefined {
  return Object.hasOwn(FEATURES[group], name) ? FEATURES[group][name] : undefined;
}

/** True when `name` is a group (a rule's variable). */
export function isFeatureGroup(name: string): name is FeatureGroup {
  return (FEATURE_GROUPS as readonly string[]).includes(name);
}

/** How a feature is written in a rule: `journey.purchases`, `journey.boughtCategory(category, days)`. */
export function featureUsage(group: FeatureGroup, name: string, feature: Feature): string {
  return feature.kind === 'field' ? `${group}.${name}` : `${group}.${name}(${feature.params.map((p) => p.name).join(', ')})`;
}

/** The CEL type of a feature as the README shows it: `int`, `(string, int) -> bool`. */
export function featureType(feature: Feature): string {
  return feature.kind === 'field' ? feature.type : `(${feature.params.map((p) => p.type).join(', ')}) -> ${feature.returns}`;
}

/** The silos of some streams, in the schema's order (crm, loyalty, commerce, analytics). */
export function silosOf(streams: Iterable<JourneyStream>): Source[] {
  const silos = new Set<Source>();
  for (const stream of streams) silos.add(STREAM_SOURCE[stream]);
  return SOURCE_ORDER.filter((s) => silos.has(s));
}

const SOURCE_ORDER: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

/**
 * The README's feature table (section "Segments"), one row per feature: how a rule writes it,
 * its CEL type, what it means, and the silos it costs. catalogue.test.ts checks that README.md
 * holds it.
 */
export function formatFeatureTable(): string {
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const rows = FEATURE_GROUPS.flatMap((group) =>
    Object.entries(FEATURES[group]).map(([name, feature]) => {
      const silos = silosOf(feature.streams).join(', ') + (feature.productCategories ? ' (+ shop products)' : '');
      return `| \`${featureUsage(group, name, feature)}\` | ${cell(featureType(feature))} | ${cell(feature.meaning)} | ${silos} |`;
    }),
  );
  return ['| feature | CEL type | meaning | silos it costs |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
