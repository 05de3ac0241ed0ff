/**
 * The subset of the Open Loyalty REST API that the loyalty client speaks and the simulator
 * serves, in one place so that both sides agree on paths, parameters and limits.
 * README.md says which of these are documented by Open Loyalty and which are modelled.
 */

/** Admin login: `{ username, password }` in, `{ token, refresh_token }` out. */
export const LOGIN_PATH = '/api/admin/login_check';

/**
 * The list resources under `/api/{storeCode}/`. `redemption` is the redeemed-rewards list ("Get
 * redeemed rewards list" in the current reference); its path is inferred (README.md).
 */
export type ListResource = 'member' | 'transaction' | 'tier' | 'redemption';

export function storePath(storeCode: string, resource: ListResource): string {
  return `/api/${encodeURIComponent(storeCode)}/${resource}`;
}

/** Largest `_itemsOnPage` the simulator accepts; the client never asks for more (modelled). */
export const MAX_ITEMS_ON_PAGE = 100;
/** Page size when a list call does not send `_itemsOnPage`. */
export const DEFAULT_ITEMS_ON_PAGE = 10;
/** Open Loyalty refuses `_page` above 500 on the member and transaction lists (from 2026-09-15). */
export const MAX_PAGE = 500;

/**
 * The parameter of Open Loyalty's scroll paging ("Scroll Mechanism for Pages"): `_scroll` with no
 * value starts a scroll, `_scroll=<scroll.next>` reads the page after. It cannot be combined with
 * `_page`, and `_orderBy` is ignored beside it: a scroll is always `createdAt` newest first.
 */
export const SCROLL_PARAM = '_scroll';

/** Separator of the values of a `field[in]=` filter. */
export const IN_SEPARATOR = ',';

/**
 * `field=value` (which Open Loyalty reads as `field[eq]=value`) for one value, `field[in]=a,b`
 * for several.
 */
export function filterQuery(field: string, values: readonly string[]): Record<string, string> {
  return values.length === 1 ? { [field]: values[0]! } : { [`${field}[in]`]: values.join(IN_SEPARATOR) };
}

/**
 * How a journey read asks a dated list (README.md, "Journey reads"): the date field, the id that
 * breaks ties, and the operators of a date range. `_orderBy[<date>]=desc&_orderBy[<id>]=asc`
 * gives the journey's order (newest first, then the id); `<date>[gte]` and `<date>[lte]` bound it,
 * both inclusive, with an ISO 8601 instant in UTC. The field names of the transaction list follow
 * the sort this connector already sends (`_orderBy[purchasedAt]`); the redemption list's follow
 * the redeemed-rewards export. The operators' names are inferred: "How to Query" documents the
 * `fieldName[OPERATOR]=value` form but its operator table could not be read past `notHasValue`.
 */
export const DATED_LISTS = {
  transaction: { date: 'purchasedAt', id: 'transactionId' },
  redemption: { date: 'redemptionDate', id: 'issuedRewardId' },
} as const satisfies Partial<Record<ListResource, { date: string; id: string }>>;

/** The date-range operators of a dated list: at or after (`gte`), at or before (`lte`). */
export const DATE_OPERATORS = ['gte', 'lte'] as const;

/** The envelope of every list answer. */
export interface ListPage<T> {
  items: T[];
  total: { all: number; filtered: number };
}

/** The body Open Loyalty (Symfony) sends with an error status. */
export interface ErrorBody {
  code: number;
  message: string;
  /** Validation errors of a 400, one per bad parameter. */
  errors?: Array<{ path: string; message: string }>;
}
