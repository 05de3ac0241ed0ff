/**
 * The resolver map, one file per area: `query.ts` (Query, Mutation), `customer.ts` (the customer's
 * own fields and silo sections), `golden.ts` (golden fields and provenance), `journey.ts`,
 * `insights.ts` (RFM, lifecycle, CLV), `segments.ts`, `scalars.ts`.
 * Resolvers are thin: parse arguments, ask the per-request loaders, shape the answer; every silo
 * call goes through a loader, and nothing here builds a URL.
 */
import type { Resolvers } from '../generated/graphql.js';
import {
  analyticsVisitorResolvers,
  commerceCustomerResolvers,
  customerResolvers,
  loyaltyMemberResolvers,
  purchaseLineResolvers,
} from './customer.js';
import { clvResolvers } from './insights.js';
import { mutationResolvers, queryResolvers } from './query.js';
import { segmentQueryResolvers } from './segments.js';
import { DateScalar, DateTimeScalar } from './scalars.js';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query: { ...queryResolvers, ...segmentQueryResolvers },
  Mutation: mutationResolvers,
  Customer: customerResolvers,
  LoyaltyMember: loyaltyMemberResolvers,
  CommerceCustomer: commerceCustomerResolvers,
  PurchaseLine: purchaseLineResolvers,
  AnalyticsVisitor: analyticsVisitorResolvers,
  Clv: clvResolvers,
};

export type { RequestContext } from './context.js';
