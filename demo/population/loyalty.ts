/**
 * The loyalty silo: Open Loyalty levels, members (with their sign-up contact) and POS transactions.
 */
import { type LoyaltySilo, type OpenLoyaltyAddress, type OpenLoyaltyLevel, type OpenLoyaltyMember, type OpenLoyaltyTransaction } from '../../connectors/population.js';
import { type CatalogItem, pickItems } from './catalog.js';
import { phoneLinks, STORES } from './countries.js';
import { isPlaceholderEmail, placeholderEmail } from './messy/placeholders.js';
import { reissuedMembers } from './messy/reissued-cards.js';
import { ownEmail, typedNames } from './messy/spellings.js';
import { type Person } from './people.js';
import { type Random } from './random.js';
import { RATES, RETAILER } from './rates.js';
import { byCreation, type Owned, type Window } from './records.js';
import { activityCount, type Clock, DAY, iso, randomSec, sortedSecs } from './time.js';

const LEVELS = [['Bronze', 0], ['Silver', 500], ['Gold', 1500], ['Platinum', 4000]] as const;
/** Points every member gets on joining. */
const WELCOME_POINTS = 100;

function makeLevels(rng: Random): OpenLoyaltyLevel[] {
  return LEVELS.map(([name, conditionValue]) => ({ levelId: rng.uuid(), name, conditionValue }));
}

/** The highest level whose threshold the member's lifetime points reach. */
function levelFor(levels: readonly OpenLoyaltyLevel[], earned: number): OpenLoyaltyLevel {
  return levels.reduce((best, level) => (level.conditionValue <= earned ? level : best));
}

/**
 * Email and phone at sign-up. `landlineOnly` marks a household member who shops in stores only and
 * gave the home line and nothing else ({@link RATES.householdLandlineOnly}).
 */
type LoyaltyContact = Pick<OpenLoyaltyMember, 'email' | 'phone'> & { landlineOnly: boolean };

/** Phones are E.164 (Open Loyalty validates them); emails are not. */
function loyaltyContact(rng: Random, person: Person): LoyaltyContact {
  if (person.lineOnly && person.landline !== null) return { email: null, phone: person.landline, landlineOnly: true };
  if (person.household !== null && person.landline !== null && !person.silos.commerce && phoneLinks(person) && rng.chance(RATES.householdLandlineOnly)) {
    return { email: null, phone: person.landline, landlineOnly: true };
  }
  // A household member not in the CRM shows the shared line here, or nowhere: with an email, so
  // that the line is not all that ties this member to the person's other records. US and
  // Canadian phones link nothing: those members always give the email too.
  const lineHere = person.household !== null && !person.silos.crm;
  const email =
    lineHere || !phoneLinks(person)
      ? ownEmail(rng, person.email, 'loyalty')
      : rng.weighted<() => string | null>([
          [() => placeholderEmail(rng, RETAILER.domain, person.language), RATES.placeholder],
          [() => null, 0.04],
          [() => ownEmail(rng, person.email, 'loyalty'), 1 - RATES.placeholder - 0.04],
        ])();
  // Without a real email the clerk signs the member up with the mobile: how the till finds them again.
  if (email === null || isPlaceholderEmail(email)) return { email, phone: person.mobile, landlineOnly: false };
  const landlineShare = lineHere ? 1 : person.household !== null ? 0.5 : 0.15;
  const phone = person.landline !== null && rng.chance(landlineShare) ? person.landline : (rng.chance(0.8) ? person.mobile : null);
  return { email, phone, landlineOnly: false };
}

function transactionItems(lines: ReadonlyArray<{ item: CatalogItem; quantity: number }>): OpenLoyaltyTransaction['items'] {
  return lines.map(({ item, quantity }) => ({
    sku: { code: item.sku },
    name: item.title,
    quantity,
    grossValue: (item.priceCents * quantity) / 100,
    category: item.category,
    maker: item.vendor,
  }));
}

function sumCents(items: ReadonlyArray<{ grossValue: number }>): number {
  return items.reduce((sum, item) => sum + Math.round(item.grossValue * 100), 0);
}

/** In-store receipts over the window, mostly in the person's home store; some bring an item back. */
function loyaltyTransactions(rng: Random, person: Person, catalog: readonly CatalogItem[], customerId: string, window: Window): OpenLoyaltyTransaction[] {
  const sells: OpenLoyaltyTransaction[] = [];
  return sortedSecs(rng, activityCount(rng, 0.1, 30), window.from, window.to).map((sec) => {
    const bought = sells.length > 0 && rng.chance(RATES.returnAfterPurchase) ? rng.pick(sells) : null;
    let items: OpenLoyaltyTransaction['items'];
    if (bought) {
      const line = rng.pick(bought.items);
      const quantity = rng.int(1, line.quantity);
      items = [{ ...line, quantity, grossValue: (Math.round((line.grossValue * 100) / line.quantity) * quantity) / 100 }];
    } else {
      items = transactionItems(pickItems(rng, catalog));
    }
    const store = rng.chance(0.8) ? person.homeStore : rng.pick(STORES);
    const purchasedAt = iso(sec);
    const tx: OpenLoyaltyTransaction = {
      transactionId: rng.uuid(),
      customerId,
      header: {
        documentNumber: `${store.code}-${purchasedAt.slice(0, 10).replaceAll('-', '')}-${rng.digits(4)}`,
        documentType: bought ? 'return' : 'sell',
        purchasedAt,
        purchasePlace: store.name,
      },
      items,
      grossValue: sumCents(items) / 100,
      currency: RETAILER.currency,
    };
    if (!bought) sells.push(tx);
    return tx;
  });
}

/** Points: a welcome bonus plus one per euro bought, minus one per euro returned. */
function earnedPoints(transactions: readonly OpenLoyaltyTransaction[]): number {
  const net = transactions.reduce((sum, t) => sum + (t.header.documentType === 'sell' ? 1 : -1) * Math.floor(t.grossValue), 0);
  return Math.max(0, WELCOME_POINTS + net);
}

export interface MemberDraft {
  person: Person;
  created: number;
  hasCard: boolean;
  member: OpenLoyaltyMember;
  transactions: OpenLoyaltyTransaction[];
  /** Lifetime points, handed on to the new member when a card is reissued. */
  earned: number;
  /** A household member's landline-only sign-up: unlinkable by design, left so by {@link connectRecords}. */
  landlineOnly: boolean;
}

interface LoyaltyWorld {
  catalog: readonly CatalogItem[];
  levels: readonly OpenLoyaltyLevel[];
  clock: Clock;
}

function loyaltyAddress(rng: Random, person: Person): OpenLoyaltyAddress | null {
  const { street, zip, city, country } = person.address;
  return rng.chance(0.75) ? { street, postal: zip, city, country } : null;
}

export interface Membership {
  window: Window;
  contact: LoyaltyContact;
  /** False for the old member of a reissued card. */
  active: boolean;
  /** Lifetime points carried over from a previous card. */
  carried: number;
  /** Whether a physical card was issued (app-only members have none; a reissue always does). */
  card: boolean;
}

/** One membership. Inactive ones (an old card) handed their points on: 0 active points. */
function memberDraft(rng: Random, person: Person, world: LoyaltyWorld, { window, contact, active, carried, card }: Membership): MemberDraft {
  const customerId = rng.uuid();
  const [firstName, lastName] = typedNames(rng, person.firstName, person.lastName, true);
  const transactions = loyaltyTransactions(rng, person, world.catalog, customerId, window);
  const earned = carried + earnedPoints(transactions);
  const spent = active ? Math.floor((earned * rng.float(0, 0.6)) / 100) * 100 : earned;
  const lastActivity = transactions.at(-1)?.header.purchasedAt;
  const updated = active ? randomSec(rng, lastActivity ? Date.parse(lastActivity) / 1000 : window.from, window.to) : window.to;
  return {
    person,
    created: window.from,
    hasCard: card,
    earned,
    transactions,
    landlineOnly: contact.landlineOnly,
    member: {
      customerId,
      firstName,
      lastName,
      email: contact.email,
      phone: contact.phone,
      loyaltyCardNumber: null,
      birthDate: rng.chance(0.7) ? person.birthDate : null,
      address: loyaltyAddress(rng, person),
      levelId: levelFor(world.levels, earned).levelId,
      activePoints: earned - spent,
      active,
      agreement1: rng.chance(0.97),
      agreement2: rng.chance(0.6),
      createdAt: iso(window.from),
      updatedAt: iso(updated),
    },
  };
}

function loyaltyDraftsFor(rng: Random, person: Person, world: LoyaltyWorld): MemberDraft[] {
  const created = randomSec(rng, person.since, world.clock.now - DAY);
  if (!person.lineOnly && rng.chance(RATES.reissuedCard)) return reissuedMembers(rng, person, world.clock, created, (membership) => memberDraft(rng, person, world, membership));
  const window = { from: created, to: world.clock.now };
  return [memberDraft(rng, person, world, { window, contact: loyaltyContact(rng, person), active: true, carried: 0, card: rng.chance(0.97) })];
}

/** EAN-13 check digit: card numbers are printed as barcodes. */
function ean13(twelveDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelveDigits[i]) * (i % 2 === 0 ? 1 : 3);
  return twelveDigits + String((10 - (sum % 10)) % 10);
}

interface LoyaltyDrafts {
  levels: readonly OpenLoyaltyLevel[];
  /** In issue order. */
  drafts: MemberDraft[];
}

/** The levels, and the members of every person loyalty knows with their transactions, in issue order. */
export function draftLoyalty(rng: Random, people: readonly Person[], catalog: readonly CatalogItem[], clock: Clock): LoyaltyDrafts {
  const world: LoyaltyWorld = { catalog, levels: makeLevels(rng), clock };
  return { levels: world.levels, drafts: byCreation(people.filter((p) => p.silos.loyalty).flatMap((p) => loyaltyDraftsFor(rng, p, world))) };
}

/** The loyalty silo: card numbers in issue order, transactions oldest first, and each member's person. */
export function projectLoyalty(rng: Random, { levels, drafts }: LoyaltyDrafts): Owned<LoyaltySilo> {
  // Cards are numbered in the order they were issued ("29" is the in-store EAN prefix).
  let card = 290_000_000_000;
  const members = drafts.map((d) => {
    card += rng.int(1, 40);
    return d.hasCard ? { ...d.member, loyaltyCardNumber: ean13(String(card)) } : d.member;
  });
  const transactions = drafts
    .flatMap((d) => d.transactions)
    .sort((a, b) => (a.header.purchasedAt < b.header.purchasedAt ? -1 : a.header.purchasedAt > b.header.purchasedAt ? 1 : 0));
  return {
    silo: { storeCode: RETAILER.loyaltyStoreCode, levels: levels.slice(), members, transactions },
    owners: drafts.map((d, i) => ({ person: d.person.index, id: (members[i] as OpenLoyaltyMember).customerId })),
  };
}
