/**
 * The feature object a segment rule reads (pure): one value per group of the catalogue
 * (catalogue.ts), each an instance of its class so that CEL knows its type. A feature that is
 * unknown is an absent property: `has(rfm.recencyDays)` is false, and reading it is an error
 * the rule's evaluation absorbs (compile.ts, "Unknown values").
 *
 * The lifecycle, RFM and CLV values are computed by their own modules: here they are plain
 * inputs, null where unknown, converted to CEL's types (a CEL `int` is a JavaScript bigint).
 * The journey's features are computed from the touchpoints (journey-features.ts), the loyalty
 * and consent ones from the silo records (record-features.ts).
 */
import { JourneyFeatures } from './journey-features.js';
import { decimal, whole } from './values.js';

/** `lifecycle`: where the customer is in their life cycle. */
export class LifecycleFeatures {
  stage?: string;
}

/** `rfm`: recency, frequency, monetary and their 1–5 scores. */
export class RfmFeatures {
  recencyDays?: bigint;
  frequency?: bigint;
  monetary?: number;
  averageOrderValue?: number;
  recencyScore?: bigint;
  frequencyScore?: bigint;
  monetaryScore?: bigint;
}

/** `clv`: lifetime value and P(alive). */
export class ClvFeatures {
  value?: number;
  pAlive?: number;
}

/** `loyalty`: the membership. */
export class LoyaltyFeatures {
  member?: boolean;
  tier?: string;
  points?: number;
}

/** `consent`: the marketing consent flags the silos hold today. */
export class ConsentFeatures {
  emailMarketing?: boolean;
  smsMarketing?: boolean;
  crmEmailOptOut?: boolean;
  shopEmailMarketing?: string;
  loyaltyMarketing?: boolean;
}

/** What a rule reads: one object per group. Build it with {@link segmentFeatures}. */
export interface SegmentFeatures {
  readonly lifecycle: LifecycleFeatures;
  readonly rfm: RfmFeatures;
  readonly clv: ClvFeatures;
  readonly journey: JourneyFeatures;
  readonly loyalty: LoyaltyFeatures;
  readonly consent: ConsentFeatures;
}

/** The lifecycle module's answer, as far as a rule needs it. */
export interface LifecycleInput {
  /** The stage's name (catalogue.ts LIFECYCLE_STAGES). */
  stage: string | null;
}

/** The RFM module's answer: null or absent where unknown. Days and counts are whole numbers (decimals are cut). */
export interface RfmInput {
  /** Days since the last purchase. */
  recencyDays: number | null;
  /** Purchases in the RFM window. */
  frequency: number | null;
  /** Net spend in the RFM window, in the shop currency. */
  monetary: number | null;
  /** Net spend per purchase in the RFM window. */
  averageOrderValue?: number | null;
  /** R, F and M scores, 1 to 5; null without a model. */
  recencyScore?: number | null;
  frequencyScore?: number | null;
  monetaryScore?: number | null;
}

/** The CLV module's answer: null or absent where unknown (no model). */
export interface ClvInput {
  /** CLV over the next 12 months, in the shop currency. */
  value: number | null;
  /** P(alive), 0 to 1. */
  pAlive: number | null;
}

/**
 * The `lifecycle` group from the lifecycle module's answer; every feature unknown when it is null
 * or undefined (not computed: no rule needs it, or its silos failed).
 */
export function lifecycleFeatures(input: LifecycleInput | null | undefined): LifecycleFeatures {
  const features = new LifecycleFeatures();
  if (input?.stage) features.stage = input.stage;
  return features;
}

/** The `rfm` group from the RFM module's answer; each null, absent or non-finite value unknown. */
export function rfmFeatures(input: RfmInput | null | undefined): RfmFeatures {
  const features = new RfmFeatures();
  if (!input) return features;
  features.recencyDays = whole(input.recencyDays);
  features.frequency = whole(input.frequency);
  features.monetary = decimal(input.monetary);
  features.averageOrderValue = decimal(input.averageOrderValue);
  features.recencyScore = whole(input.recencyScore);
  features.frequencyScore = whole(input.frequencyScore);
  features.monetaryScore = whole(input.monetaryScore);
  return features;
}

/** The `clv` group from the CLV module's answer; each null, absent or non-finite value unknown. */
export function clvFeatures(input: ClvInput | null | undefined): ClvFeatures {
  const features = new ClvFeatures();
  if (!input) return features;
  features.value = decimal(input.value);
  features.pAlive = decimal(input.pAlive);
  return features;
}

/**
 * The feature object of one customer from its groups; a group left out has every feature
 * unknown (compute only the groups the segments asked need: compile.ts `needs.groups`).
 */
export function segmentFeatures(groups: Partial<SegmentFeatures>): SegmentFeatures {
  return {
    lifecycle: groups.lifecycle ?? new LifecycleFeatures(),
    rfm: groups.rfm ?? new RfmFeatures(),
    clv: groups.clv ?? new ClvFeatures(),
    journey: groups.journey ?? new JourneyFeatures(),
    loyalty: groups.loyalty ?? new LoyaltyFeatures(),
    consent: groups.consent ?? new ConsentFeatures(),
  };
}
