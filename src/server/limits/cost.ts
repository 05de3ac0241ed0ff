/**
 * The cost table of an operation: which field costs what, and why. Read by graphql-query-complexity
 * (https://github.com/slicknode/graphql-query-complexity, "Estimators") from the parsed operation
 * and its variables, before anything runs: `customers(ids: $ids)` counts by the length of `$ids`.
 *
 * The unit is "one customer resolved or one item read": what costs silo calls and memory.
 * - `customer(id:)` and `evictCustomer(id:)`: 1 each, plus what is selected in it (a customer
 *   resolution takes a few silo calls whatever is asked).
 * - `customers(ids:)`: the list's length times (1 + what is selected in each customer).
 * - `journey(first:)`: `first` times (1 + what is selected in a page), as every touchpoint is read
 *   and ordered; `transactions`, `orders`, `visits(limit:)`: `limit` times (1 + their selection).
 *   An absent argument counts its schema default (20 and 10); one above what the field accepts
 *   (100) counts that maximum, so that the field itself refuses it with the range it takes,
 *   rather than the cost limit with a figure its caller did not mean.
 * - The fields computed from the customer's whole history (`journeySummary`, `preferences`,
 *   `lifecycle`, `rfm`, `clv`, `segments`, `inSegment`): {@link WHOLE_HISTORY_COST} once per
 *   customer that selects any of them, plus their selection. They read every history they need
 *   whole, 250 events a call, however long: a page's worth of touchpoints and more, not a record
 *   already fetched; and a request reads them once per customer, however many of these fields
 *   (or aliases of one) ask, so one customer pays once. A personalization engine's
 *   `customers(ids: [100 ids]) { lifecycle clv segments preferences journeySummary }` costs
 *   1,100; 29 aliases of `customers(ids: [100 ids]) { journeySummary }` cost 31,900 (each alias
 *   resolves its customers, and reads their histories, anew) and are refused.
 * - Every other field: free, plus what is selected in it. Scalars and sub-objects are read from the
 *   records the customer already fetched; the alias, depth and token limits bound their number.
 * Nested selections multiply, as the library adds a field's cost to its parent's child cost:
 * `customers(ids: [100 ids]) { journey(first: 20) { ... } }` costs 100 × (1 + 20) = 2,100.
 */
import type { ComplexityEstimator, ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { MAX_LIST_LIMIT } from '../../graphql/customer.js';
import { MAX_FIRST } from '../../journey/filter.js';

/** How a sized field reads its size: the argument, its schema default when absent or not a number, and the most it accepts. */
interface SizedField {
  argument: string;
  default: number;
  max: number;
}

/** Fields that cost their size times (1 + their selection), by `Type.field`. */
export const SIZED_FIELDS: Readonly<Record<string, SizedField>> = {
  'Customer.journey': { argument: 'first', default: 20, max: MAX_FIRST },
  'LoyaltyMember.transactions': { argument: 'limit', default: 10, max: MAX_LIST_LIMIT },
  'CommerceCustomer.orders': { argument: 'limit', default: 10, max: MAX_LIST_LIMIT },
  'AnalyticsVisitor.visits': { argument: 'limit', default: 10, max: MAX_LIST_LIMIT },
};

/** What the fields computed from a customer's whole history cost, once per customer, besides their selection (see the module's comment). */
export const WHOLE_HISTORY_COST = 10;

/** The fields computed from the customer's whole history, by `Type.field`. */
export const WHOLE_HISTORY_FIELDS: ReadonlySet<string> = new Set([
  'Customer.journeySummary',
  'Customer.preferences',
  'Customer.lifecycle',
  'Customer.rfm',
  'Customer.clv',
  'Customer.segments',
  'Customer.inSegment',
]);

/** Fields that cost 1 (a customer resolved) plus their selection, by `Type.field`. */
export const CUSTOMER_FIELDS: ReadonlySet<string> = new Set(['Query.customer', 'Mutation.evictCustomer']);

/** The list field whose cost is its ids' count times (1 + the selection of one customer). */
export const CUSTOMER_LIST_FIELD = 'Query.customers';

/**
 * The gateway's estimator for graphql-query-complexity: a whole number ≥ 0 for every field
 * (never `undefined`, so no other estimator is consulted).
 */
export const costEstimator: ComplexityEstimator = ({ type, field, args, childComplexity, context }: ComplexityEstimatorArgs): number => {
  const key = `${type.name}.${field.name}`;
  const marks = context as CostContext | undefined;
  if (CUSTOMER_FIELDS.has(key)) return 1 + childComplexity + wholeHistoryOnce(marks);
  if (key === CUSTOMER_LIST_FIELD) {
    const ids: unknown = args['ids'];
    const count = Array.isArray(ids) ? ids.length : 1;
    return count * (1 + childComplexity + wholeHistoryOnce(marks));
  }
  const sized = SIZED_FIELDS[key];
  if (sized) return sizeOf(args[sized.argument], sized) * (1 + childComplexity);
  if (WHOLE_HISTORY_FIELDS.has(key)) {
    // Without a context to mark, each such field pays, which never undercounts.
    if (marks === undefined) return WHOLE_HISTORY_COST + childComplexity;
    marks.wholeHistory = true;
  }
  return childComplexity;
};

/**
 * What {@link costEstimator} marks while graphql-query-complexity walks one operation: that a
 * whole-history field was selected in the customer being priced. The library computes a field's
 * children before the field (depth first), and a customer's fields are never under another
 * customer, so the mark set under one customer is read and cleared by that customer's field.
 * Pass a fresh one per operation as getComplexity's `context` ({@link costContext}).
 */
export interface CostContext {
  wholeHistory: boolean;
}

/** A fresh {@link CostContext} for one operation. */
export function costContext(): CostContext {
  return { wholeHistory: false };
}

/** {@link WHOLE_HISTORY_COST} when the customer being priced selected a whole-history field (the mark then cleared), else 0. */
function wholeHistoryOnce(marks: CostContext | undefined): number {
  if (marks === undefined || !marks.wholeHistory) return 0;
  marks.wholeHistory = false;
  return WHOLE_HISTORY_COST;
}

/**
 * A size argument as counted: a whole number from 0 to the field's maximum (a larger one is the
 * field's to refuse, naming the range), or the schema default when null or absent.
 */
function sizeOf(value: unknown, field: SizedField): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return field.default;
  return Math.min(field.max, Math.max(0, Math.floor(value)));
}
