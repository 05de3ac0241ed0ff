/**
 * A small hand-made population for the loyalty tests. It holds the cases the connector must get
 * right, each in a known place:
 * - emails stored with capitals or spaces (a lookup arrives trimmed and lower-cased);
 * - a reissued card: member 80 is the deactivated old account of member 79, same phone and
 *   email (typed with a capital);
 * - members without email, phone, card or address;
 * - member 1 with 130 transactions (more than the 100 a member returns), members with none;
 * - transactions stored out of date order, with purchase times in several zones.
 */
import { POPULATION_FORMAT_VERSION, type OpenLoyaltyLevel, type OpenLoyaltyMember, type OpenLoyaltyTransaction, type Population } from '../population.js';

export const TEST_STORE_CODE = 'DEFAULT';
export const MEMBER_COUNT = 80;
export const HEAVY_MEMBER = 1;
export const HEAVY_MEMBER_TRANSACTIONS = 130;

export const TEST_LEVELS: OpenLoyaltyLevel[] = [
  { levelId: 'e5b8d0c2-0000-4000-8000-000000000001', name: 'Bronze', conditionValue: 0 },
  { levelId: 'e5b8d0c2-0000-4000-8000-000000000002', name: 'Silver', conditionValue: 500 },
  { levelId: 'e5b8d0c2-0000-4000-8000-000000000003', name: 'Gold', conditionValue: 2000 },
];

const FIRST_NAMES = ['Anna', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Jules', 'Inès', 'Noah'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit', 'Durand'];
const STORES = ['Paris Opéra', 'Lyon Part-Dieu', 'Lille Centre'];

export function memberId(n: number): string {
  return `0b0e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/** The email member `n` is stored with (capitals on every third member, spaces on member 5), or null. */
export function storedEmail(n: number): string | null {
  // The old account was typed with a capital: still the same mailbox.
  if (n === MEMBER_COUNT) return storedEmail(MEMBER_COUNT - 1)!.replace(/^./, (c) => c.toUpperCase());
  if (n % 10 === 0) return null;
  const local = `${FIRST_NAMES[n % FIRST_NAMES.length]}.${LAST_NAMES[n % LAST_NAMES.length]}${n}`;
  if (n === 5) return ` ${local.toLowerCase()}@example.com `;
  return n % 3 === 0 ? `${local}@Example.COM` : `${local}@example.com`.toLowerCase();
}

export function storedPhone(n: number): string | null {
  if (n === MEMBER_COUNT) return storedPhone(MEMBER_COUNT - 1);
  return n % 7 === 0 ? null : `+3361${String(2000000 + n).padStart(7, '0')}`;
}

export function storedCard(n: number): string | null {
  return n % 11 === 0 ? null : `LC${String(100000 + n)}`;
}

function member(n: number): OpenLoyaltyMember {
  return {
    customerId: memberId(n),
    firstName: FIRST_NAMES[n % FIRST_NAMES.length]!,
    lastName: LAST_NAMES[n % LAST_NAMES.length]!,
    email: storedEmail(n),
    phone: storedPhone(n),
    loyaltyCardNumber: storedCard(n),
    birthDate: `19${60 + (n % 40)}-0${1 + (n % 9)}-1${n % 10}`,
    address: n % 9 === 0 ? null : { street: `${n} rue de la Paix`, postal: '75002', city: 'Paris', country: 'FR' },
    levelId: TEST_LEVELS[n % TEST_LEVELS.length]!.levelId,
    activePoints: n * 10.5,
    active: n !== MEMBER_COUNT,
    agreement1: true,
    agreement2: n % 2 === 0,
    createdAt: `2021-03-${String(1 + (n % 28)).padStart(2, '0')}T10:00:00+01:00`,
    updatedAt: '2024-06-01T08:00:00Z',
  };
}

/** How many transactions member `n` has. */
export function transactionCount(n: number, heavy = HEAVY_MEMBER_TRANSACTIONS): number {
  return n === HEAVY_MEMBER ? heavy : n % 4;
}

function transaction(n: number, k: number): OpenLoyaltyTransaction {
  const quantity = 1 + (k % 3);
  const unitPrice = 9.99 + n;
  const day = new Date(Date.UTC(2024, 0, 1 + k, 9 + (n % 8)));
  // Every other receipt is written in Paris time: the connector must still order them right.
  const purchasedAt = k % 2 === 0 ? day.toISOString() : day.toISOString().replace('Z', '+00:00');
  return {
    transactionId: `7a000000-0000-4000-8000-${String(n).padStart(4, '0')}${String(k).padStart(8, '0')}`,
    customerId: memberId(n),
    header: {
      documentNumber: `R-${n}-${k}`,
      documentType: k % 5 === 4 ? 'return' : 'sell',
      purchasedAt,
      purchasePlace: STORES[k % STORES.length]!,
    },
    items: [
      {
        sku: { code: `SKU-${k % 13}` },
        name: `Product ${k % 13}`,
        quantity,
        grossValue: Math.round(unitPrice * quantity * 100) / 100,
        category: k % 2 === 0 ? 'shoes' : 'bags',
        maker: null,
      },
    ],
    grossValue: Math.round(unitPrice * quantity * 100) / 100,
    currency: 'EUR',
  };
}

/** `heavyTransactions`: how many transactions member 1 has. */
export function loyaltyTestPopulation({ heavyTransactions = HEAVY_MEMBER_TRANSACTIONS } = {}): Population {
  const numbers = Array.from({ length: MEMBER_COUNT }, (_, i) => i + 1);
  // Stored newest-first for odd members, oldest-first for even ones: order is the connector's job.
  const transactions = numbers.flatMap((n) => {
    const list = Array.from({ length: transactionCount(n, heavyTransactions) }, (_, k) => transaction(n, k));
    return n % 2 === 1 ? list.reverse() : list;
  });
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: null,
    generatedAt: '2024-07-01T00:00:00Z',
    crm: { contacts: [] },
    loyalty: { storeCode: TEST_STORE_CODE, levels: TEST_LEVELS, members: numbers.map(member), transactions },
    commerce: { currency: 'EUR', customers: [], orders: [], products: [] },
    analytics: { siteId: 1, visits: [] },
    truth: [],
  };
}
