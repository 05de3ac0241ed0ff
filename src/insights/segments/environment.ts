/**
 * The CEL environment of segment rules (pure): the six groups of the catalogue as typed
 * variables, their fields with their CEL types, and the journey's methods, so that a rule is
 * type-checked when it is loaded (an unknown feature, a wrong type, a call with wrong arguments
 * fail then, not at request time). Built once: @marcbachmann/cel-js says an environment is
 * expensive to make and cheap to reuse (its README, "Environment API").
 *
 * Optional types are on, so that a rule can give an unknown value a default the CEL way
 * (`rfm.?recencyDays.orValue(0)`, cel-spec doc/langdef.md, "Optional values" / "Field selection").
 */
import { Environment } from '@marcbachmann/cel-js';
import { FEATURE_GROUPS, FEATURES, type FeatureGroup, type MethodFeature } from './catalogue.js';
import { ClvFeatures, ConsentFeatures, LifecycleFeatures, LoyaltyFeatures, RfmFeatures } from './features.js';
import { JourneyFeatures } from './journey-features.js';

/** The CEL type name of each group's object (what a type error names). */
export const GROUP_TYPES: { readonly [G in FeatureGroup]: string } = {
  lifecycle: 'Lifecycle',
  rfm: 'Rfm',
  clv: 'Clv',
  journey: 'Journey',
  loyalty: 'Loyalty',
  consent: 'Consent',
};

const GROUP_CLASSES: { readonly [G in FeatureGroup]: new () => object } = {
  lifecycle: LifecycleFeatures,
  rfm: RfmFeatures,
  clv: ClvFeatures,
  journey: JourneyFeatures,
  loyalty: LoyaltyFeatures,
  consent: ConsentFeatures,
};

/** The handler of each method of the catalogue, by group and name: CEL passes the receiver first. */
const METHODS: { readonly [G in FeatureGroup]: Readonly<Record<string, (receiver: never, ...args: never[]) => unknown>> } = {
  lifecycle: {},
  rfm: {},
  clv: {},
  journey: {
    purchasesInLast: (j: JourneyFeatures, days: bigint) => j.purchasesInLast(days),
    storePurchasesInLast: (j: JourneyFeatures, days: bigint) => j.storePurchasesInLast(days),
    onlineOrdersInLast: (j: JourneyFeatures, days: bigint) => j.onlineOrdersInLast(days),
    spendInLast: (j: JourneyFeatures, days: bigint) => j.spendInLast(days),
    visitsInLast: (j: JourneyFeatures, days: bigint) => j.visitsInLast(days),
    campaignVisitsInLast: (j: JourneyFeatures, days: bigint) => j.campaignVisitsInLast(days),
    visitedFromCampaign: (j: JourneyFeatures, campaign: string, days: bigint) => j.visitedFromCampaign(campaign, days),
    boughtCategory: (j: JourneyFeatures, category: string, days: bigint) => j.boughtCategory(category, days),
    viewedCategory: (j: JourneyFeatures, category: string, days: bigint) => j.viewedCategory(category, days),
  },
  loyalty: {},
  consent: {},
};

/**
 * Parse-time bounds of a rule (cel-js `limits`): far above what a marketing rule needs, low
 * enough that a file cannot make the start or an evaluation slow.
 */
const LIMITS = { maxAstNodes: 1000, maxDepth: 32, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 };

let environment: Environment | undefined;

/**
 * The segment rules' environment, made on first use. Throws an Error when the catalogue names
 * a method without a handler here (a programming error, caught by the tests).
 */
export function segmentEnvironment(): Environment {
  environment ??= makeEnvironment();
  return environment;
}

function makeEnvironment(): Environment {
  const env = new Environment({ enableOptionalTypes: true, limits: LIMITS });
  for (const group of FEATURE_GROUPS) {
    const fields: Record<string, string> = {};
    for (const [name, feature] of Object.entries(FEATURES[group])) if (feature.kind === 'field') fields[name] = feature.type;
    env.registerType(GROUP_TYPES[group], { ctor: GROUP_CLASSES[group], fields });
    env.registerVariable(group, GROUP_TYPES[group]);
  }
  for (const group of FEATURE_GROUPS) {
    for (const [name, feature] of Object.entries(FEATURES[group])) {
      if (feature.kind !== 'method') continue;
      const handler = METHODS[group][name];
      if (handler === undefined) throw new Error(`The segment catalogue names ${group}.${name}, which has no handler in environment.ts.`);
      env.registerFunction(signature(group, name, feature), handler);
    }
  }
  return env;
}

/** The cel-js signature of a method: `Journey.boughtCategory(string, int): bool`. */
function signature(group: FeatureGroup, name: string, method: MethodFeature): string {
  return `${GROUP_TYPES[group]}.${name}(${method.params.map((p) => p.type).join(', ')}): ${method.returns}`;
}
