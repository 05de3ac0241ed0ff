/**
 * The golden consent (pure): per purpose, whether the customer granted it, denied it, or neither
 * is known, from the explicit decisions their silo records hold, and why.
 *
 * What each silo holds (README, "Consent and preferences", has the table):
 * - HubSpot: `hs_email_optout` "true" is a withdrawal of all marketing email. "false" is the
 *   property's default, not a grant. The contact keeps no date of it: it was made no later than
 *   the contact's last update. The communication preferences' EMAIL subscription statuses of the
 *   contact's addresses: `SUBSCRIBED` grants, `NOT_SUBSCRIBED` withdraws, at their `timestamp`
 *   (every subscription type is read as email marketing: an unsubscription from any is a
 *   withdrawal, the cautious reading); `NOT_SPECIFIED` is no decision.
 * - Open Loyalty: `agreement2` (the marketing agreement) is the member's answer for marketing by
 *   email and SMS, `agreement3` (the data-processing agreement) for profiling; true grants, false
 *   refuses. Undated: no later than the member's `updatedAt`.
 * - Shopify: `email_marketing_consent` and `sms_marketing_consent`: `subscribed` grants,
 *   `unsubscribed` withdraws, dated by `consent_updated_at` (else undated, no later than the
 *   customer's `updated_at`); `not_subscribed`, `pending` (double opt-in not confirmed),
 *   `redacted` and `invalid` are no decision.
 *
 * The rule (GDPR Art. 7(3): a consent can be withdrawn at any time, and a withdrawal stands until
 * a new consent is given): the most recent explicit decision wins. A decision is placed in time
 * by an interval: a dated one at its date, an undated one anywhere up to its record's last update
 * (or any time, when the record has none). A decision loses as `older` only when another one
 * certainly came after it (its earliest possible time is later than this one's latest). Among the
 * decisions that cannot be ordered that way (the same instant, or an undated one overlapping
 * another), a withdrawal wins: a withdrawal is never overridden by a grant that may be older.
 * No explicit decision: `unknown`. A silo that may hold a decision for the purpose and could not
 * be read makes a grant `unknown` (the missing silo may hold a later withdrawal); a denial stands.
 */
import type { CommerceCustomerRecord, CrmContactRecord, CrmSubscriptionStatusRecord, LoyaltyMemberRecord } from '../../connectors/types.js';
import type { Source } from '../generated/graphql.js';
import type { SiloRecords } from './golden-record.js';

/** The purposes consent is decided for: marketing by email, marketing by SMS, profiling for personalization. */
export type ConsentPurpose = 'emailMarketing' | 'smsMarketing' | 'profiling';

export const CONSENT_PURPOSES: readonly ConsentPurpose[] = ['emailMarketing', 'smsMarketing', 'profiling'];

export type ConsentStatus = 'granted' | 'denied' | 'unknown';

/** The silos that can hold a decision for each purpose. */
export const CONSENT_SOURCES: Readonly<Record<ConsentPurpose, readonly Source[]>> = {
  emailMarketing: ['crm', 'loyalty', 'commerce'],
  smsMarketing: ['loyalty', 'commerce'],
  profiling: ['loyalty'],
};

/** One explicit decision a silo record holds for one purpose. */
export interface ConsentDecision {
  purpose: ConsentPurpose;
  status: 'granted' | 'denied';
  source: Source;
  recordId: string;
  /** When it was made (ISO 8601), or null when the silo does not date it. */
  decidedAt: string | null;
  /** For an undated decision, the latest it can have been made: its record's last update (ISO 8601); null when unknown too. */
  notAfter: string | null;
  /** What the silo holds, in its own terms, e.g. `hs_email_optout = true`. */
  evidence: string;
}

/** Why a decision did not decide its purpose. */
export type ConsentLossReason = 'older' | 'withdrawalWins' | 'sameDecision';

export interface ConsentLoser {
  decision: ConsentDecision;
  reason: ConsentLossReason;
  /** The reason in words. */
  detail: string;
}

/** The golden consent of one purpose. */
export interface PurposeConsent {
  purpose: ConsentPurpose;
  status: ConsentStatus;
  /** The decision the status comes from; null when there is none. With a failed silo, a grant found stays here while the status is `unknown`. */
  decision: ConsentDecision | null;
  /** The other decisions, with why they lost. */
  losers: ConsentLoser[];
  /** The silos that may hold a decision for the purpose but could not be read. */
  unavailableSources: Source[];
}

/** The records consent is read from; a silo not read may be passed as `[]`. */
export interface ConsentRecords {
  crm: SiloRecords<CrmContactRecord>;
  /** The EMAIL subscription statuses of the contacts' addresses (HubSpot communication preferences); absent: none read. */
  crmSubscriptions?: readonly CrmSubscriptionStatusRecord[];
  loyalty: SiloRecords<LoyaltyMemberRecord>;
  commerce: SiloRecords<CommerceCustomerRecord>;
}

/** Every explicit decision the records hold, in silo and record order. */
export function consentDecisions(records: ConsentRecords): ConsentDecision[] {
  const decisions: ConsentDecision[] = [];
  if (Array.isArray(records.crm)) {
    for (const contact of records.crm as readonly CrmContactRecord[]) {
      if (contact.emailOptOut === true) {
        decisions.push(undated('emailMarketing', 'denied', 'crm', contact.id, contact.updatedAt ?? null, 'hs_email_optout = true'));
      }
    }
  }
  if (Array.isArray(records.crm)) {
    const contacts = records.crm as readonly CrmContactRecord[];
    for (const s of records.crmSubscriptions ?? []) {
      const status = s.status === 'SUBSCRIBED' ? 'granted' : s.status === 'NOT_SUBSCRIBED' ? 'denied' : null;
      if (status === null) continue;
      const address = s.email.trim().toLowerCase();
      const owner = contacts.find((c) => [c.email, ...c.additionalEmails].some((e) => e?.trim().toLowerCase() === address));
      if (!owner) continue;
      const evidence = `${s.subscriptionName ?? `subscription ${s.subscriptionId}`} = ${s.status}`;
      decisions.push(
        s.timestamp
          ? { purpose: 'emailMarketing', status, source: 'crm', recordId: owner.id, decidedAt: s.timestamp, notAfter: null, evidence }
          : undated('emailMarketing', status, 'crm', owner.id, owner.updatedAt ?? null, evidence),
      );
    }
  }
  if (Array.isArray(records.loyalty)) {
    for (const member of records.loyalty as readonly LoyaltyMemberRecord[]) {
      const notAfter = member.updatedAt ?? null;
      if (typeof member.marketingConsent === 'boolean') {
        const status = member.marketingConsent ? 'granted' : 'denied';
        const evidence = `agreement2 = ${member.marketingConsent}`;
        decisions.push(undated('emailMarketing', status, 'loyalty', member.id, notAfter, evidence));
        decisions.push(undated('smsMarketing', status, 'loyalty', member.id, notAfter, evidence));
      }
      if (typeof member.dataProcessingConsent === 'boolean') {
        decisions.push(undated('profiling', member.dataProcessingConsent ? 'granted' : 'denied', 'loyalty', member.id, notAfter, `agreement3 = ${member.dataProcessingConsent}`));
      }
    }
  }
  if (Array.isArray(records.commerce)) {
    for (const customer of records.commerce as readonly CommerceCustomerRecord[]) {
      const channels = [
        ['emailMarketing', customer.emailMarketing, 'email_marketing_consent'],
        ['smsMarketing', customer.smsMarketing, 'sms_marketing_consent'],
      ] as const;
      for (const [purpose, consent, field] of channels) {
        const state = consent?.state.trim().toLowerCase();
        if (state !== 'subscribed' && state !== 'unsubscribed') continue;
        const status = state === 'subscribed' ? 'granted' : 'denied';
        const evidence = `${field}.state = ${state}`;
        decisions.push(
          consent?.updatedAt
            ? { purpose, status, source: 'commerce', recordId: customer.id, decidedAt: consent.updatedAt, notAfter: null, evidence }
            : undated(purpose, status, 'commerce', customer.id, customer.updatedAt ?? null, evidence),
        );
      }
    }
  }
  return decisions;
}

function undated(purpose: ConsentPurpose, status: ConsentDecision['status'], source: Source, recordId: string, notAfter: string | null, evidence: string): ConsentDecision {
  return { purpose, status, source, recordId, decidedAt: null, notAfter, evidence };
}

/** The golden consent of every purpose, in {@link CONSENT_PURPOSES} order. */
export function goldenConsent(records: ConsentRecords): PurposeConsent[] {
  const decisions = consentDecisions(records);
  const failed = (['crm', 'loyalty', 'commerce'] as const).filter((s) => !Array.isArray(records[s]));
  return CONSENT_PURPOSES.map((purpose) =>
    decidePurpose(
      purpose,
      decisions.filter((d) => d.purpose === purpose),
      CONSENT_SOURCES[purpose].filter((s) => (failed as readonly Source[]).includes(s)),
    ),
  );
}

/** The earliest and latest instant (ms) a decision can have been made. */
function interval(d: ConsentDecision): { from: number; to: number } {
  if (d.decidedAt !== null) {
    const at = Date.parse(d.decidedAt);
    return { from: at, to: at };
  }
  const to = d.notAfter === null ? Number.POSITIVE_INFINITY : Date.parse(d.notAfter);
  return { from: Number.NEGATIVE_INFINITY, to: Number.isNaN(to) ? Number.POSITIVE_INFINITY : to };
}

/**
 * One purpose's status from its decisions (the module's rule), and the silos that failed among
 * those that could hold one. Deterministic: among equals, the latest possible time, then silo
 * order, then record id decide which decision is named.
 */
export function decidePurpose(purpose: ConsentPurpose, decisions: readonly ConsentDecision[], unavailableSources: readonly Source[] = []): PurposeConsent {
  const spans = decisions.map((decision) => ({ decision, ...interval(decision) }));
  const latestStart = Math.max(Number.NEGATIVE_INFINITY, ...spans.map((s) => s.from));
  // A decision is certainly older than another when it ended before the other could begin.
  const contenders = spans.filter((s) => !(s.to < latestStart));
  const denied = contenders.filter((s) => s.decision.status === 'denied');
  const pool = denied.length > 0 ? denied : contenders;
  const ranked = [...pool].sort(
    (a, b) => b.from - a.from || b.to - a.to || SOURCE_ORDER.indexOf(a.decision.source) - SOURCE_ORDER.indexOf(b.decision.source) || a.decision.recordId.localeCompare(b.decision.recordId),
  );
  const winner = ranked[0];
  if (winner === undefined) return { purpose, status: 'unknown', decision: null, losers: [], unavailableSources: [...unavailableSources] };
  const latest = spans.find((s) => s.from === latestStart)!.decision;
  const losers = spans
    .filter((s) => s !== winner)
    .map(({ decision, to }): ConsentLoser => {
      if (to < latestStart) return { decision, reason: 'older', detail: `A later decision (${describe(latest)}) supersedes it.` };
      if (decision.status !== winner.decision.status) {
        return { decision, reason: 'withdrawalWins', detail: `It cannot be placed after the withdrawal (${describe(winner.decision)}): a withdrawal wins any doubt.` };
      }
      return { decision, reason: 'sameDecision', detail: `The same decision as ${describe(winner.decision)}.` };
    });
  // A silo that could not be read may hold a later withdrawal: a grant is then not known.
  const status = winner.decision.status === 'granted' && unavailableSources.length > 0 ? 'unknown' : winner.decision.status;
  return { purpose, status, decision: winner.decision, losers, unavailableSources: [...unavailableSources] };
}

const SOURCE_ORDER: readonly Source[] = ['crm', 'loyalty', 'commerce', 'analytics'];

function describe(d: ConsentDecision): string {
  const when = d.decidedAt !== null ? `at ${d.decidedAt}` : d.notAfter !== null ? `undated, no later than ${d.notAfter}` : 'undated';
  return `${d.source}:${d.recordId} ${d.evidence}, ${when}`;
}

/** The marketing channels the customer may be contacted on: those whose purpose is granted. */
export function marketingChannels(consent: readonly PurposeConsent[]): Array<'email' | 'sms'> {
  const granted = (purpose: ConsentPurpose): boolean => consent.some((c) => c.purpose === purpose && c.status === 'granted');
  return [...(granted('emailMarketing') ? (['email'] as const) : []), ...(granted('smsMarketing') ? (['sms'] as const) : [])];
}

/**
 * Which profiling statuses withhold the personalization outputs (PROFILING_CONSENT): `denied`
 * only (the default: personalization rests on the retailer's legitimate interest, GDPR Art.
 * 6(1)(f), and stops where the customer objected, Art. 21), or everything but `granted` (the
 * retailer relies on consent, Art. 6(1)(a)).
 */
export type ProfilingConsentMode = 'denied' | 'granted';

export const PROFILING_CONSENT_MODES: readonly ProfilingConsentMode[] = ['denied', 'granted'];

/**
 * Whether personalization may run for the golden profiling consent under a mode. It fails
 * closed: under `denied`, a status that is `unknown` because a silo that may hold the decision
 * failed withholds it too, since that silo may hold a refusal (a denial must never be lost to an
 * outage); an `unknown` with every silo read (no decision anywhere) lets it run.
 */
export function profilingAllowed(profiling: Pick<PurposeConsent, 'status' | 'unavailableSources'>, mode: ProfilingConsentMode): boolean {
  const { status } = profiling;
  switch (mode) {
    case 'denied':
      return status === 'granted' || (status === 'unknown' && profiling.unavailableSources.length === 0);
    case 'granted':
      return status === 'granted';
    default: {
      const never: never = mode;
      throw new Error(`Unknown profiling consent mode: ${String(never)}`);
    }
  }
}
