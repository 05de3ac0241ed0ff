/**
 * The loyalty silo's journey addition: rewards members redeemed with their points, as Open
 * Loyalty's issued rewards (its "Rewards Redemption" export names the fields: issuedRewardId,
 * memberId, name, costInPoints, redemptionDate, status, issuedCoupon:
 * https://help.openloyalty.io/technical-guide/s3-bucket-data-exports/export-types/rewards-redemption).
 *
 * Drawn from a stream of their own, after the members exist, and only added: members and their
 * points stay what they were for the seed. A member's redemptions cost no more than the points the
 * member has spent (lifetime points minus `activePoints`), so the two tell one story.
 */
import type { OpenLoyaltyMember, OpenLoyaltyRedemption } from '../../connectors/population.js';
import type { MemberDraft } from './loyalty.js';
import type { Random } from './random.js';
import { RATES } from './rates.js';
import { type Clock, iso, sortedSecs } from './time.js';

interface RewardSpec {
  name: string;
  costInPoints: number;
  /** Whether redeeming it issues a coupon code (vouchers and discounts), or hands over a thing. */
  coupon: boolean;
  weight: number;
}

/** The rewards the programme offers; the cheapest costs 100 points. */
export const REWARDS: readonly RewardSpec[] = [
  { name: '10 EUR voucher', costInPoints: 500, coupon: true, weight: 30 },
  { name: 'Free coffee', costInPoints: 100, coupon: false, weight: 25 },
  { name: '-15% coupon', costInPoints: 300, coupon: true, weight: 25 },
  { name: 'Free delivery', costInPoints: 200, coupon: true, weight: 10 },
  { name: 'Maison Cassel tote bag', costInPoints: 400, coupon: false, weight: 10 },
];

const CHEAPEST = Math.min(...REWARDS.map((r) => r.costInPoints));

const STATUSES: ReadonlyArray<readonly [OpenLoyaltyRedemption['status'], number]> = [['fulfilled', 85], ['pending', 10], ['cancelled', 5]];

/**
 * The redemptions of all members, oldest first. `drafts[i]` is the draft of `members[i]` (the
 * silo's members, in issue order). An active member who has spent at least the cheapest reward's
 * points redeems with chance {@link RATES.rewardRedeemer}: 1 to 3 rewards (60%, 25%, 15%) that
 * the points spent can pay, each on a date from the membership's start (`createdAt`) to
 * `clock.now`; status fulfilled 85%, pending 10%, cancelled 5%; a coupon reward issues a code;
 * the place is a store the member bought in or their home store, or null (redeemed in the app)
 * for 10%.
 */
export function drawRedemptions(rng: Random, drafts: readonly MemberDraft[], members: readonly OpenLoyaltyMember[], clock: Clock): OpenLoyaltyRedemption[] {
  const rewardIds = REWARDS.map(() => rng.uuid());
  const redemptions: OpenLoyaltyRedemption[] = [];
  drafts.forEach((draft, i) => {
    const member = members[i] as OpenLoyaltyMember;
    let left = draft.earned - member.activePoints;
    if (!member.active || left < CHEAPEST || !rng.chance(RATES.rewardRedeemer)) return;
    const wanted = rng.weighted([[1, 60], [2, 25], [3, 15]] as const);
    const chosen: number[] = [];
    for (let n = 0; n < wanted; n++) {
      const affordable = REWARDS.flatMap((reward, r) => (reward.costInPoints <= left ? [[r, reward.weight] as const] : []));
      if (affordable.length === 0) break;
      const r = rng.weighted(affordable);
      chosen.push(r);
      left -= (REWARDS[r] as RewardSpec).costInPoints;
    }
    const places = [...new Set([draft.person.homeStore.name, ...draft.transactions.map((t) => t.header.purchasePlace)])];
    const dates = sortedSecs(rng, chosen.length, Date.parse(member.createdAt) / 1000, clock.now);
    chosen.forEach((r, n) => {
      const reward = REWARDS[r] as RewardSpec;
      redemptions.push({
        issuedRewardId: rng.uuid(),
        customerId: member.customerId,
        rewardId: rewardIds[r] as string,
        name: reward.name,
        costInPoints: reward.costInPoints,
        redemptionDate: iso(dates[n] as number),
        status: rng.weighted(STATUSES),
        issuedCoupon: reward.coupon ? { code: `MC-${rng.hex(10).toUpperCase()}` } : null,
        purchasePlace: rng.chance(0.1) ? null : rng.chance(0.7) ? draft.person.homeStore.name : rng.pick(places),
      });
    });
  });
  // Stable: redemptions of one second keep the order members were issued in.
  return redemptions.sort((a, b) => (a.redemptionDate < b.redemptionDate ? -1 : a.redemptionDate > b.redemptionDate ? 1 : 0));
}
