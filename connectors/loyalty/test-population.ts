/**
 * A small hand-made population for the loyalty tests. It holds the cases the connector must get
 * right, each in a known place:
 * - emails stored with capitals or spaces (a lookup arrives trimmed and lower-cased);
 * - a reissued card: member 80 is the deactivated old account of member 79, same phone and
 *   email (typed with a capital);
 * - members without email, phone, card or address;
 * - member 1 with 130 transactions (more than the 100 a member returns), members with none;
 * - transactions stored out of date order, with purchase times in several zones;
 * - member 40 with five receipts at one instant (written in two zones) and one before them;
 * - member 80 (the old card of 79) with receipts between 79's, one at the same instant as 79's
 *   newest, and both with reward redemptions, one of them cancelled.
 */
import {
  POPULATION_FORMAT_VERSION,
  type OpenLoyaltyLevel,
  type OpenLoyaltyMember,
  type OpenLoyaltyRedemption,
  type OpenLoyaltyTransaction,
  type Population,
} from '../population.js';

export const TEST_STORE_CODE = 'DEFAULT';
export const MEMBER_COUNT = 80;
export const HEAVY_MEMBER = 1;
export const HEAVY_MEMBER_TRANSACTIONS = 130;
/** The member whose receipts share one instant. */
export const TIE_MEMBER = 40;
/** The new card (79) and the old, deactivated one (80) of one person. */
export const NEW_CARD = MEMBER_COUNT - 1;
export const OLD_CARD = MEMBER_COUNT;

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
    transactionId: transactionId(n, k),
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

export function transactionId(n: number, k: number): string {
  return `7a000000-0000-4000-8000-${String(n).padStart(4, '0')}${String(k).padStart(8, '0')}`;
}

/**
 * Receipts beyond the regular ones: member 40's five at 2024-03-01 10:00 UTC (ids 100 to 104,
 * two written in Paris time, stored in the order 102, 100, 104, 101, 103) and one at 09:00;
 * member 80's three (ids 100 to 102): 2024-01-01 20:00, 2024-01-02 12:00 and 2024-01-03 16:00,
 * the instant of member 79's newest receipt (79's receipts are at 16:00 on 1 to 3 January).
 */
function extraTransactions(): OpenLoyaltyTransaction[] {
  const at = (n: number, k: number, purchasedAt: string, documentType: 'sell' | 'return' = 'sell'): OpenLoyaltyTransaction => ({
    ...transaction(n, 0),
    transactionId: transactionId(n, k),
    header: { documentNumber: `X-${n}-${k}`, documentType, purchasedAt, purchasePlace: STORES[k % STORES.length]! },
  });
  return [
    at(TIE_MEMBER, 102, '2024-03-01T11:00:00+01:00'),
    at(TIE_MEMBER, 100, '2024-03-01T10:00:00Z'),
    at(TIE_MEMBER, 104, '2024-03-01T10:00:00.000Z', 'return'),
    at(TIE_MEMBER, 105, '2024-03-01T09:00:00Z'),
    at(TIE_MEMBER, 101, '2024-03-01T11:00:00+01:00'),
    at(TIE_MEMBER, 103, '2024-03-01T10:00:00Z'),
    at(OLD_CARD, 100, '2024-01-01T20:00:00Z'),
    at(OLD_CARD, 101, '2024-01-02T12:00:00Z'),
    at(OLD_CARD, 102, '2024-01-03T16:00:00Z'),
  ];
}

export function redemptionId(n: number): string {
  return `9e000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/**
 * Reward redemptions: members 79 and 80 (one cancelled, one without coupon nor store, two at
 * one instant) and member 2; stored out of date order.
 */
export const TEST_REDEMPTIONS: OpenLoyaltyRedemption[] = [
  {
    issuedRewardId: redemptionId(3), customerId: memberId(NEW_CARD), rewardId: 'r-voucher-10', name: '10 EUR voucher',
    costInPoints: 500, redemptionDate: '2024-05-10T14:30:00+02:00', status: 'fulfilled', issuedCoupon: { code: 'VCH-10-AAA' }, purchasePlace: 'Lyon Part-Dieu',
  },
  {
    issuedRewardId: redemptionId(1), customerId: memberId(OLD_CARD), rewardId: 'r-tote', name: 'Tote bag',
    costInPoints: 300, redemptionDate: '2023-11-02T09:00:00Z', status: 'fulfilled', issuedCoupon: null, purchasePlace: null,
  },
  {
    issuedRewardId: redemptionId(4), customerId: memberId(NEW_CARD), rewardId: 'r-voucher-5', name: '5 EUR voucher',
    costInPoints: 250, redemptionDate: '2024-06-01T08:00:00Z', status: 'cancelled', issuedCoupon: { code: 'VCH-5-CCC' }, purchasePlace: 'Paris Opéra',
  },
  {
    issuedRewardId: redemptionId(5), customerId: memberId(OLD_CARD), rewardId: 'r-voucher-5', name: '5 EUR voucher',
    costInPoints: 250, redemptionDate: '2024-05-10T12:30:00Z', status: 'pending', issuedCoupon: { code: 'VCH-5-BBB' }, purchasePlace: 'Lille Centre',
  },
  {
    issuedRewardId: redemptionId(2), customerId: memberId(NEW_CARD), rewardId: 'r-coffee', name: 'Free coffee',
    costInPoints: 50, redemptionDate: '2024-02-20T17:45:00Z', status: 'fulfilled', issuedCoupon: { code: 'COF-1' }, purchasePlace: 'Paris Opéra',
  },
  {
    issuedRewardId: redemptionId(6), customerId: memberId(2), rewardId: 'r-coffee', name: 'Free coffee',
    costInPoints: 50, redemptionDate: '2024-04-01T10:00:00Z', status: 'fulfilled', issuedCoupon: { code: 'COF-2' }, purchasePlace: 'Lyon Part-Dieu',
  },
];

/** `heavyTransactions`: how many transactions member 1 has. */
export function loyaltyTestPopulation({ heavyTransactions = HEAVY_MEMBER_TRANSACTIONS } = {}): Population {
  const numbers = Array.from({ length: MEMBER_COUNT }, (_, i) => i + 1);
  // Stored newest-first for odd members, oldest-first for even ones: order is the connector's job.
  const transactions = numbers.flatMap((n) => {
    const list = Array.from({ length: transactionCount(n, heavyTransactions) }, (_, k) => transaction(n, k));
    return n % 2 === 1 ? list.reverse() : list;
  });
  transactions.push(...extraTransactions());
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: null,
    generatedAt: '2024-07-01T00:00:00Z',
    crm: { contacts: [] },
    loyalty: { storeCode: TEST_STORE_CODE, levels: TEST_LEVELS, members: numbers.map(member), transactions, redemptions: TEST_REDEMPTIONS.map((r) => ({ ...r })) },
    commerce: { currency: 'EUR', customers: [], orders: [], products: [] },
    analytics: { siteId: 1, visits: [] },
    truth: [],
  };
}
