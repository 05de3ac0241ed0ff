/**
 * Survivorship rules per golden field: the defaults, and the parser of the setting that changes
 * them. Pure: the caller passes the setting's text.
 *
 * Syntax: `field=rule` pairs separated by `;`. A rule is `mostRecent`, `mostFrequent`,
 * `firstSeen`, or `sourcePriority:` followed by silos in order, best first, separated by `>`.
 * Spaces around names are ignored; fields not named keep their default. For example:
 *
 *     email=sourcePriority:crm>commerce>loyalty; address=mostRecent; phone=mostFrequent
 *
 * Derived fields (displayName, emails, phones) take no rule: they follow the fields they come
 * from. A `sourcePriority` order may leave silos out; they then rank after the named ones.
 */
import type { Source } from '../generated/graphql.js';
import { DERIVED_FROM, FIELD_SOURCES, GOLDEN_FIELDS, SURVIVING_FIELDS, type DerivedField, type SurvivingField } from './golden-record.js';
import { DEFAULT_TIE_BREAK, RULE_KINDS, type Rule } from './survivorship.js';

export { GOLDEN_FIELDS, SURVIVING_FIELDS };
export type { GoldenField } from './golden-record.js';

export type SurvivorshipRules = Record<SurvivingField, Rule>;

/**
 * Defaults, and why:
 * - firstName, lastName: crm > loyalty > commerce. Service staff correct names in the CRM when a
 *   customer asks; members type their own at sign-up; a shop account's name is often typed at
 *   checkout for a delivery, sometimes a gift's recipient.
 * - email: crm > commerce > loyalty. The CRM is where consent and the address the contact chose
 *   to be reached at live; the shop's is proven by order confirmations; the loyalty one is often
 *   typed by a clerk at a till, where typos happen.
 * - phone: crm > loyalty > commerce. The CRM's number is the one SMS consent refers to; members
 *   give theirs at the till to find their card, so it is used and corrected; the shop's is typed
 *   for a delivery and may be someone else's.
 * - birthDate: loyalty > crm. Members give it for birthday rewards, so they give the real one.
 * - address: mostRecent. People move: the latest record to change is the likeliest to be current
 *   (chosen as a whole, never a street from one record with a city from another).
 * - locale: crm. Only the CRM records a language, set by the contact's own choices.
 * - createdAt: firstSeen. The relationship began with the first record in any silo.
 */
export const DEFAULT_SURVIVORSHIP: Readonly<SurvivorshipRules> = {
  firstName: { kind: 'sourcePriority', order: ['crm', 'loyalty', 'commerce'] },
  lastName: { kind: 'sourcePriority', order: ['crm', 'loyalty', 'commerce'] },
  email: { kind: 'sourcePriority', order: ['crm', 'commerce', 'loyalty'] },
  phone: { kind: 'sourcePriority', order: ['crm', 'loyalty', 'commerce'] },
  birthDate: { kind: 'sourcePriority', order: ['loyalty', 'crm'] },
  address: { kind: 'mostRecent' },
  locale: { kind: 'sourcePriority', order: ['crm'] },
  createdAt: { kind: 'firstSeen' },
};

export type RulesResult = { ok: true; rules: SurvivorshipRules } | { ok: false; errors: string[] };

const EXAMPLE = 'email=sourcePriority:crm>commerce>loyalty; address=mostRecent';
const RULE_FORMS = RULE_KINDS.map((kind) => (kind === 'sourcePriority' ? 'sourcePriority:<silo>><silo>...' : kind)).join(', ');

/** The rules a setting's text gives, over `base` (the defaults); every mistake named. */
export function parseSurvivorshipRules(text: string, base: Readonly<SurvivorshipRules> = DEFAULT_SURVIVORSHIP): RulesResult {
  const rules: SurvivorshipRules = { ...base };
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const pair of text.split(';').map((p) => p.trim()).filter((p) => p !== '')) {
    const eq = pair.indexOf('=');
    if (eq < 0) {
      errors.push(`"${pair}" is not field=rule; write for example ${EXAMPLE}.`);
      continue;
    }
    const field = pair.slice(0, eq).trim();
    const parsed = parseRule(field, pair.slice(eq + 1).trim());
    if (!parsed.ok) errors.push(parsed.error);
    else if (seen.has(field)) errors.push(`${field} is given two rules; keep one.`);
    else rules[field as SurvivingField] = parsed.rule;
    seen.add(field);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, rules };
}

/** The setting's text for `rules`: what the parser reads back as the same rules. */
export function formatSurvivorshipRules(rules: Readonly<SurvivorshipRules>): string {
  return SURVIVING_FIELDS.map((field) => `${field}=${formatRule(rules[field])}`).join('; ');
}

function formatRule(rule: Rule): string {
  return rule.kind === 'sourcePriority' ? `sourcePriority:${rule.order.join('>')}` : rule.kind;
}

type Parsed = { ok: true; rule: Rule } | { ok: false; error: string };

function parseRule(field: string, text: string): Parsed {
  if (Object.hasOwn(DERIVED_FROM, field)) {
    return { ok: false, error: `${field} takes no rule: it is derived from ${DERIVED_FROM[field as DerivedField].join(' and ')}; set rules for those.` };
  }
  if (!(SURVIVING_FIELDS as readonly string[]).includes(field)) {
    return { ok: false, error: `Unknown field "${field}"; fields with a rule are ${SURVIVING_FIELDS.join(', ')}.` };
  }
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  const args = colon < 0 ? null : text.slice(colon + 1).trim();
  switch (kind) {
    case 'sourcePriority':
      return parseOrder(field as SurvivingField, args);
    case 'mostRecent':
    case 'mostFrequent':
    case 'firstSeen':
      return args === null ? { ok: true, rule: { kind } } : { ok: false, error: `${field}=${text}: ${kind} takes no silos; write ${field}=${kind}.` };
    default:
      return { ok: false, error: `Unknown rule "${kind}" for ${field}; rules are ${RULE_FORMS}.` };
  }
}

function parseOrder(field: SurvivingField, args: string | null): Parsed {
  const silos = (args ?? '').split('>').map((s) => s.trim()).filter((s) => s !== '');
  const supplying = FIELD_SOURCES[field];
  if (silos.length === 0) {
    return { ok: false, error: `${field}=sourcePriority needs silos in order, best first, e.g. ${field}=sourcePriority:${supplying.join('>')}.` };
  }
  for (const silo of silos) {
    if (!(DEFAULT_TIE_BREAK as readonly string[]).includes(silo)) {
      return { ok: false, error: `Unknown silo "${silo}" in ${field}'s order; silos are ${DEFAULT_TIE_BREAK.join(', ')}.` };
    }
    if (!supplying.includes(silo as Source)) {
      return { ok: false, error: `${silo} holds no ${field}, so it cannot rank for it; silos that do: ${supplying.join(', ')}.` };
    }
  }
  if (new Set(silos).size !== silos.length) return { ok: false, error: `A silo is named twice in ${field}'s order (${silos.join('>')}).` };
  return { ok: true, rule: { kind: 'sourcePriority', order: silos as Source[] } };
}
