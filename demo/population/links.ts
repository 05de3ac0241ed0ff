/**
 * Links: what a retailer can match a person's records on, and the fields filled so that every
 * person's records are connected ({@link connectRecords}).
 */
import { type CustomerDraft } from './commerce.js';
import { COUNTRIES, phoneLinks } from './countries.js';
import { type CrmDraft } from './crm.js';
import { type MemberDraft } from './loyalty.js';
import { canonicalMailbox } from './messy/mailbox.js';
import { crmPhoneText } from './messy/phone-formats.js';
import { storedEmail } from './messy/spellings.js';
import { type Person } from './people.js';
import { type Random } from './random.js';
import { RETAILER } from './rates.js';

/**
 * A value of the person that ties the records holding it: their email, their other address, their
 * mobile. Each is unique to the person and never a placeholder; a household's landline is not one.
 */
type Link = 'email' | 'altEmail' | 'mobile';

/** One record of a person as {@link connectRecords} sees it: what it holds, and where it has room. */
interface Linkable {
  holds: Set<Link>;
  /** Writes the person's main email or mobile into an empty field of the record. */
  room: Partial<Record<'email' | 'mobile', (rng: Random) => void>>;
}

/**
 * Whether a stored email is the person's `clean` one, as the gateway compares them: the same
 * canonical mailbox (case, spaces, invisible characters, trailing dot, `+tag`, Gmail dots).
 */
function isEmail(stored: string | null, clean: string): boolean {
  return stored !== null && canonicalMailbox(stored) === canonicalMailbox(clean);
}

/** Whether a phone as typed into HubSpot is the person's mobile: its digits end with the national number. */
function isMobileText(text: string | null, person: Person): boolean {
  if (text === null) return false;
  const national = person.mobile.slice(1 + COUNTRIES[person.country].phone.cc.length);
  return text.replace(/\D/g, '').endsWith(national);
}

/** What a record holds that links; a US or Canadian mobile links nothing (see {@link NANP}). */
function holdsOf(person: Person, emails: ReadonlyArray<string | null>, mobile: boolean): Set<Link> {
  const holds = new Set<Link>();
  if (emails.some((e) => isEmail(e, person.email))) holds.add('email');
  if (emails.some((e) => isEmail(e, person.altEmail))) holds.add('altEmail');
  if (mobile && phoneLinks(person)) holds.add('mobile');
  return holds;
}

function crmLinkable({ person, properties: p }: CrmDraft): Linkable {
  const room: Linkable['room'] = {};
  if (p.mobilephone === null && phoneLinks(person)) room.mobile = (rng) => (p.mobilephone = crmPhoneText(rng, person.mobile, person.country, false));
  // Someone adds the address to the contact: HubSpot keeps it as an additional email.
  if (p.hs_additional_emails === null) room.email = (rng) => (p.hs_additional_emails = storedEmail(rng, person.email, true));
  const emails = [p.email, ...(p.hs_additional_emails ?? '').split(';')];
  return { holds: holdsOf(person, emails, [p.phone, p.mobilephone].some((t) => isMobileText(t, person))), room };
}

function memberLinkable({ person, member: m }: MemberDraft): Linkable {
  const room: Linkable['room'] = {};
  if (m.phone === null && phoneLinks(person)) room.mobile = () => (m.phone = person.mobile);
  if (m.email === null) room.email = (rng) => (m.email = storedEmail(rng, person.email, true));
  return { holds: holdsOf(person, [m.email], m.phone === person.mobile), room };
}

function customerLinkable({ person, customer: c }: CustomerDraft): Linkable {
  const room: Linkable['room'] = {};
  if (c.phone === null && phoneLinks(person)) room.mobile = () => (c.phone = person.mobile);
  // A customer created at the till who later gave their address (Shopify lets them change it).
  if (c.email === `noemail@${RETAILER.domain}`) room.email = (rng) => (c.email = storedEmail(rng, person.email, false));
  return { holds: holdsOf(person, [c.email], c.phone === person.mobile), room };
}

/** A person's records in groups that their values connect. */
function linkedGroups(records: readonly Linkable[]): Linkable[][] {
  let groups: Linkable[][] = [];
  for (const record of records) {
    const joined = groups.filter((group) => group.some((other) => [...record.holds].some((link) => other.holds.has(link))));
    groups = [...groups.filter((group) => !joined.includes(group)), [...joined.flat(), record]];
  }
  return groups;
}

/**
 * The fewest fields to fill so that groups `a` and `b` connect, the mobile rather than the email
 * (records without an email are a documented case of their own): one value one side holds written
 * where the other side has room, else the mobile written on both sides, else the email on both.
 */
function bridge(a: readonly Linkable[], b: readonly Linkable[]): Array<[Linkable, 'email' | 'mobile']> | null {
  const roomy = (group: readonly Linkable[], link: 'email' | 'mobile') => group.find((r) => r.room[link] !== undefined);
  for (const link of ['mobile', 'email'] as const) {
    for (const [from, to] of [[b, a], [a, b]] as const) {
      const target = from.some((r) => r.holds.has(link)) ? roomy(to, link) : undefined;
      if (target) return [[target, link]];
    }
  }
  for (const link of ['mobile', 'email'] as const) {
    const [x, y] = [roomy(a, link), roomy(b, link)];
    if (x && y) return [[x, link], [y, link]];
  }
  return null;
}

/**
 * Makes each person's records one graph connected through the values a retailer matches on, as a
 * person who gives their email or mobile wherever they sign up leaves them (an analytics device
 * hangs on its shop account through its login). The draws per silo are independent, so some leave
 * a record with nothing the person's other records hold (a store contact with only the mobile and
 * a shop account with only the email); then the mobile is written into an empty phone field, as a
 * clerk who asks for a phone number does, or failing that the email into an empty email field.
 * The landline-only household members stay apart: unlinkable by design (docs/population.md).
 */
export function connectRecords(rng: Random, crm: readonly CrmDraft[], loyalty: readonly MemberDraft[], commerce: readonly CustomerDraft[]): void {
  const byPerson = new Map<number, Linkable[]>();
  const add = (person: Person, record: Linkable): void => {
    const records = byPerson.get(person.index);
    if (records) records.push(record);
    else byPerson.set(person.index, [record]);
  };
  for (const draft of crm) add(draft.person, crmLinkable(draft));
  for (const draft of loyalty) if (!draft.landlineOnly) add(draft.person, memberLinkable(draft));
  for (const draft of commerce) add(draft.person, customerLinkable(draft));
  for (const records of byPerson.values()) {
    for (let groups = linkedGroups(records); groups.length > 1; groups = linkedGroups(records)) {
      // Tie another group to the one holding the main email, or the largest.
      const main = groups.find((group) => group.some((r) => r.holds.has('email'))) ?? groups.reduce((a, b) => (b.length > a.length ? b : a));
      const steps = bridge(main, groups.find((group) => group !== main)!);
      if (!steps) break; // Cannot happen with the draws above: the generator's tests check it.
      for (const [record, link] of steps) {
        record.room[link]!(rng);
        delete record.room[link];
        record.holds.add(link);
      }
    }
  }
}
