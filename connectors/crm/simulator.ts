/**
 * A HubSpot CRM v3 contacts simulator: the list, batch read and search endpoints the connector
 * uses, with HubSpot's authentication, limits, status codes and error bodies, serving
 * `population.crm.contacts`. Lookups go through indexes built once, so a population of 100,000
 * contacts answers as fast as a small one.
 */
import { randomUUID } from 'node:crypto';
import type { HubSpotContact, HubSpotSubscriptionStatus, Population } from '../population.js';
import { isObject, isPresent } from '../shared/collections.js';
import { sameSecret } from '../shared/secrets.js';
import { Simulator, parseJson, type SimRequest, type SimResponse, type SimRoute } from '../shared/simulator.js';
import {
  BATCH_READ_PATH,
  CONTACTS_PATH,
  LIMITS,
  OBJECT_NOT_FOUND,
  SEARCH_PATH,
  SUBSCRIPTION_STATUSES_PATH,
  searchablePhoneNumber,
  splitMultiValue,
  type HubSpotObject,
} from './hubspot.js';

export interface CrmSimulatorOptions {
  population: Population;
  /** The private app access token the simulator accepts as `Authorization: Bearer <token>`. */
  accessToken: string;
}

export function createCrmSimulator(options: CrmSimulatorOptions): Simulator {
  const store = new ContactStore(options.population.crm.contacts);
  const subscriptions = subscriptionIndex(options.population.crm.subscriptionStatuses ?? []);
  return new Simulator({
    source: 'crm',
    routes: [
      route('contacts.list', 'GET', CONTACTS_PATH, (req) => list(store, req)),
      route('contacts.batchRead', 'POST', BATCH_READ_PATH, (req) => batchRead(store, req)),
      route('contacts.search', 'POST', SEARCH_PATH, (req) => search(store, req)),
      route('subscriptions.batchRead', 'POST', SUBSCRIPTION_STATUSES_PATH, (req) => subscriptionStatuses(subscriptions, req)),
    ],
    authenticate: (req) => (sameSecret(bearerToken(req) ?? '', options.accessToken) ? null : { status: 401, body: errorBody(401) }),
    errorBody,
    notFound: (req) => ({ status: 404, body: hubspotError(`No route for ${req.method} ${req.pathname}.`, 'OBJECT_NOT_FOUND') }),
  });
}

// ---------------------------------------------------------------------------------------------
// Errors, in HubSpot's shape: { status: "error", message, correlationId, category, ... }.

/**
 * A request HubSpot would refuse with 400 VALIDATION_ERROR; the message says what is wrong, and
 * `field` names the field or parameter at fault (the answer's `errors[].in`), when there is one.
 */
class InvalidRequest extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function invalid(message: string, field?: string): never {
  throw new InvalidRequest(message, field);
}

/**
 * HubSpot's 400 body: `status`, `message`, `correlationId`, `category`, and `errors` with one
 * detail per problem (`message`, and `in`, the field), as its error format documents
 * (developers.hubspot.com/docs/faq/api-error-responses; `ErrorDetail` in the OpenAPI specification).
 */
function validationError(message: string, field?: string): Record<string, unknown> {
  return hubspotError(message, 'VALIDATION_ERROR', { errors: [{ message, ...(field === undefined ? {} : { in: field }) }] });
}

function hubspotError(message: string, category?: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { status: 'error', message, correlationId: randomUUID(), ...(category ? { category } : {}), ...extra };
}

/** HubSpot's body for each status the simulator can answer or be told to inject. */
function errorBody(status: number): unknown {
  switch (status) {
    case 400:
      return validationError('Invalid input.');
    case 401:
      return hubspotError(
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        'INVALID_AUTHENTICATION',
      );
    case 403:
      return hubspotError(
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
        'MISSING_SCOPES',
        { errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.read'] } }] },
      );
    case 404:
      return hubspotError('Resource not found.', 'OBJECT_NOT_FOUND');
    case 429:
      // Rate-limit answers carry errorType and policyName instead of a category.
      return hubspotError('You have reached your secondly limit.', undefined, { errorType: 'RATE_LIMIT', policyName: 'SECONDLY' });
    default:
      return hubspotError('internal error');
  }
}

function route(name: string, method: SimRoute['method'], path: string, handle: (req: SimRequest) => SimResponse): SimRoute {
  return {
    name,
    method,
    pattern: new RegExp(`^${path.replaceAll('/', '\\/')}\\/?$`),
    handle(req) {
      try {
        return handle(req);
      } catch (error) {
        if (error instanceof InvalidRequest) return { status: 400, body: validationError(error.message, error.field) };
        throw error;
      }
    },
  };
}

function bearerToken(req: SimRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

// ---------------------------------------------------------------------------------------------
// The contacts and their indexes.

/** Properties search can filter on here, and how each is read from a contact (several values for a multi-value one). */
const SEARCHABLE: Record<string, (c: HubSpotContact) => Array<string | null>> = {
  hs_object_id: (c) => [c.id],
  email: (c) => [c.properties.email],
  hs_additional_emails: (c) => splitMultiValue(c.properties.hs_additional_emails),
  phone: (c) => [c.properties.phone],
  mobilephone: (c) => [c.properties.mobilephone],
  hs_searchable_calculated_phone_number: (c) => [searchablePhoneNumber(c.properties.phone)],
  hs_searchable_calculated_mobile_number: (c) => [searchablePhoneNumber(c.properties.mobilephone)],
  hs_merged_object_ids: (c) => splitMultiValue(c.properties.hs_merged_object_ids),
};

/** Properties HubSpot computes rather than stores; they are returned when asked for. */
const COMPUTED: Record<string, (c: HubSpotContact) => string | null> = {
  hs_object_id: (c) => c.id,
  hs_searchable_calculated_phone_number: (c) => searchablePhoneNumber(c.properties.phone),
  hs_searchable_calculated_mobile_number: (c) => searchablePhoneNumber(c.properties.mobilephone),
};

/** What HubSpot returns for a contact when the request names no properties. */
const DEFAULT_PROPERTIES = ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'];
/** Returned whatever the request names. */
const ALWAYS_RETURNED = ['createdate', 'hs_object_id', 'lastmodifieddate'];
/** Properties with unique values that batch read accepts as `idProperty`. */
const ID_PROPERTIES = new Set(['hs_object_id', 'email']);

class ContactStore {
  /** Contacts that are not archived, by ascending id: the order of lists and search results. */
  readonly live: HubSpotContact[];
  readonly archived: HubSpotContact[];
  private readonly byId = new Map<string, HubSpotContact>();
  /** Merged-away id -> the contact it was merged into. */
  private readonly survivorOf = new Map<string, HubSpotContact>();
  /** Property -> search key of a value -> ids of live contacts holding it. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(contacts: readonly HubSpotContact[]) {
    for (const contact of contacts) {
      for (const mergedId of splitMultiValue(contact.properties.hs_merged_object_ids)) this.survivorOf.set(mergedId, contact);
    }
    // A merged-away contact no longer exists in HubSpot; its id only resolves to the survivor.
    const existing = contacts.filter((c) => !this.survivorOf.has(c.id)).sort(byNumericId);
    for (const contact of existing) this.byId.set(contact.id, contact);
    this.live = existing.filter((c) => !c.archived);
    this.archived = existing.filter((c) => c.archived);
    for (const [property, read] of Object.entries(SEARCHABLE)) this.indexes.set(property, indexBy(this.live, read));
  }

  isSearchable(property: string): boolean {
    return this.indexes.has(property);
  }

  /** The contact `value` names under `idProperty`, following merges as HubSpot does. */
  resolve(idProperty: string, value: string): HubSpotContact | undefined {
    if (idProperty !== 'hs_object_id') return this.matchOne(idProperty, searchKey(value));
    return this.byId.get(value) ?? this.survivorOf.get(value);
  }

  /** Live contacts matching any group, every filter of a group matching; by ascending id. */
  search(groups: Filter[][]): HubSpotContact[] {
    if (groups.length === 0) return this.live;
    const ids = new Set<string>();
    for (const group of groups) for (const id of this.matchGroup(group)) ids.add(id);
    return [...ids].map((id) => this.byId.get(id)).filter(isPresent).sort(byNumericId);
  }

  private matchGroup(filters: Filter[]): Set<string> {
    const [first, ...rest] = filters.map((filter) => this.matchFilter(filter));
    return rest.reduce((acc, ids) => new Set([...acc].filter((id) => ids.has(id))), first ?? new Set<string>());
  }

  private matchFilter(filter: Filter): Set<string> {
    const index = this.indexes.get(filter.propertyName);
    // EQ compares without case; IN takes its values as given, and HubSpot documents that they
    // must be lower-case for a string property, so an upper-case value matches nothing.
    const keys = filter.values.map((v) => (filter.operator === 'EQ' ? searchKey(v) : v.trim()));
    const ids = new Set<string>();
    for (const key of keys) for (const id of index?.get(key) ?? []) ids.add(id);
    return ids;
  }

  private matchOne(property: string, key: string): HubSpotContact | undefined {
    const [id] = this.indexes.get(property)?.get(key) ?? [];
    return id === undefined ? undefined : this.byId.get(id);
  }
}

function indexBy(contacts: readonly HubSpotContact[], read: (c: HubSpotContact) => Array<string | null>): Map<string, Set<string>> {
  const index = new Map<string, Set<string>>();
  for (const contact of contacts) {
    for (const value of read(contact)) {
      const key = value === null ? '' : searchKey(value);
      if (key === '') continue;
      const ids = index.get(key) ?? new Set<string>();
      ids.add(contact.id);
      index.set(key, ids);
    }
  }
  return index;
}

/** How search compares a stored value: without case, and without the spaces typed around it. */
function searchKey(value: string): string {
  return value.trim().toLowerCase();
}

/** A contact as the API sends it, with the requested properties (unknown names are left out, as HubSpot does). */
function toObject(contact: HubSpotContact, requested: readonly string[] | undefined): HubSpotObject {
  const stored: Record<string, string | null> = { ...contact.properties };
  const properties: Record<string, string | null> = {};
  for (const name of new Set([...(requested ?? DEFAULT_PROPERTIES), ...ALWAYS_RETURNED])) {
    const compute = COMPUTED[name];
    if (compute) properties[name] = compute(contact);
    else if (Object.hasOwn(stored, name)) properties[name] = stored[name] ?? null;
  }
  return { id: contact.id, properties, createdAt: contact.createdAt, updatedAt: contact.updatedAt, archived: contact.archived };
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

/** GET /crm/v3/objects/contacts?limit&after&properties&archived */
function list(store: ContactStore, req: SimRequest): SimResponse {
  const limit = integerParam(req.query.get('limit') ?? '10', 'limit', 1, LIMITS.listPageSize);
  const after = integerParam(req.query.get('after') ?? '0', 'after', 0, Number.MAX_SAFE_INTEGER);
  const properties = req.query.get('properties')?.split(',').filter(Boolean);
  const contacts = req.query.get('archived') === 'true' ? store.archived : store.live;
  return { status: 200, body: page(contacts, after, limit, CONTACTS_PATH, (c) => toObject(c, properties)) };
}

/** POST /crm/v3/objects/contacts/batch/read { properties?, idProperty?, inputs: [{ id }] } */
function batchRead(store: ContactStore, req: SimRequest): SimResponse {
  const body = jsonObject(req.body);
  const inputs = arrayField(body, 'inputs');
  if (inputs.length > LIMITS.batchReadInputs) invalid(`inputs has ${inputs.length} entries; at most ${LIMITS.batchReadInputs} are allowed.`, 'inputs');
  const ids = inputs.map((input, i) => scalarString(isObject(input) ? input.id : undefined, `inputs[${i}].id`));
  const properties = optionalStrings(body, 'properties');
  const idProperty = body.idProperty === undefined ? 'hs_object_id' : scalarString(body.idProperty, 'idProperty');
  if (!ID_PROPERTIES.has(idProperty)) invalid(`idProperty ${idProperty} is not a property with unique values.`, 'idProperty');
  const archived = req.query.get('archived') === 'true';

  const startedAt = new Date().toISOString();
  // Several inputs can name one contact (its id and a merged-away id): it is returned once.
  const found = new Map<string, HubSpotContact>();
  const missing: string[] = [];
  for (const id of ids) {
    const contact = store.resolve(idProperty, id);
    if (contact && contact.archived === archived) found.set(contact.id, contact);
    else missing.push(id);
  }
  const answer = {
    status: 'COMPLETE',
    results: [...found.values()].map((c) => toObject(c, properties)),
    startedAt,
    completedAt: new Date().toISOString(),
  };
  if (missing.length === 0) return { status: 200, body: answer };
  // A batch error is a StandardError: status, category, message, context, errors and links are
  // all required by HubSpot's specification (errors and links were missing here before the
  // contract fixtures; see README "Contract fixtures").
  const notFound = {
    status: 'error',
    category: OBJECT_NOT_FOUND,
    message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
    context: { ids: missing },
    errors: [],
    links: {},
  };
  return { status: 207, body: { ...answer, numErrors: 1, errors: [notFound] } };
}

/** POST /crm/v3/objects/contacts/search { filterGroups?, properties?, limit?, after? } */
function search(store: ContactStore, req: SimRequest): SimResponse {
  const body = jsonObject(req.body);
  const groups = filterGroups(body, store);
  const properties = optionalStrings(body, 'properties');
  const limit = body.limit === undefined ? 10 : integerParam(body.limit, 'limit', 1, LIMITS.searchPageSize);
  const after = body.after === undefined ? 0 : integerParam(body.after, 'after', 0, Number.MAX_SAFE_INTEGER);
  if (after >= LIMITS.searchTotalResults) invalid(`Search results are limited to ${LIMITS.searchTotalResults}; after ${after} is past them.`, 'after');
  const matches = store.search(groups);
  return { status: 200, body: { total: matches.length, ...page(matches, after, limit, SEARCH_PATH, (c) => toObject(c, properties)) } };
}

/** The `results` from offset `after`, with HubSpot's `paging.next` cursor when more follow. */
function page<T, R>(items: readonly T[], after: number, limit: number, path: string, map: (item: T) => R): { results: R[]; paging?: object } {
  const end = after + limit;
  const results = items.slice(after, end).map(map);
  if (end >= items.length) return { results };
  const next = String(end);
  return { results, paging: { next: { after: next, link: `${path}?after=${next}` } } };
}

// ---------------------------------------------------------------------------------------------
// Request validation: everything that does not fit is a 400 VALIDATION_ERROR naming the field.

interface Filter {
  propertyName: string;
  operator: 'EQ' | 'IN';
  values: string[];
}

function filterGroups(body: Record<string, unknown>, store: ContactStore): Filter[][] {
  if (body.filterGroups === undefined) return [];
  const groups = arrayField(body, 'filterGroups');
  if (groups.length > LIMITS.searchFilterGroups) invalid(`filterGroups has ${groups.length} groups; at most ${LIMITS.searchFilterGroups} are allowed.`, 'filterGroups');
  const parsed = groups.map((group, g) => {
    if (!isObject(group)) invalid(`filterGroups[${g}] must be an object with filters.`, `filterGroups[${g}]`);
    const filters = arrayField(group, 'filters', `filterGroups[${g}].filters`);
    if (filters.length === 0 || filters.length > LIMITS.searchFiltersPerGroup) {
      invalid(`filterGroups[${g}] has ${filters.length} filters; between 1 and ${LIMITS.searchFiltersPerGroup} are allowed.`, `filterGroups[${g}].filters`);
    }
    return filters.map((filter, f) => parseFilter(filter, `filterGroups[${g}].filters[${f}]`, store));
  });
  const total = parsed.reduce((sum, group) => sum + group.length, 0);
  if (total > LIMITS.searchFiltersTotal) invalid(`The search has ${total} filters; at most ${LIMITS.searchFiltersTotal} are allowed.`, 'filterGroups');
  return parsed;
}

function parseFilter(value: unknown, where: string, store: ContactStore): Filter {
  if (!isObject(value)) invalid(`${where} must be an object.`, where);
  const propertyName = scalarString(value.propertyName, `${where}.propertyName`);
  if (!store.isSearchable(propertyName)) {
    invalid(`${where}.propertyName ${propertyName} is not searchable in this simulator; it searches ${Object.keys(SEARCHABLE).join(', ')}.`, `${where}.propertyName`);
  }
  switch (value.operator) {
    case 'EQ':
      return { propertyName, operator: 'EQ', values: [scalarString(value.value, `${where}.value`)] };
    case 'IN': {
      const values = arrayField(value, 'values', `${where}.values`).map((v, i) => scalarString(v, `${where}.values[${i}]`));
      if (values.length === 0 || values.length > LIMITS.searchInValues) {
        invalid(`${where}.values has ${values.length} values; between 1 and ${LIMITS.searchInValues} are allowed.`, `${where}.values`);
      }
      return { propertyName, operator: 'IN', values };
    }
    default:
      invalid(`${where}.operator ${String(value.operator)} is not supported by this simulator; use EQ or IN.`, `${where}.operator`);
  }
}

// ---------------------------------------------------------------------------------------------
// Communication preferences v4: subscription statuses per subscriber (email address).

/** The statuses of each email address, keyed lower-cased (HubSpot compares addresses without case). */
function subscriptionIndex(statuses: readonly HubSpotSubscriptionStatus[]): Map<string, HubSpotSubscriptionStatus[]> {
  const index = new Map<string, HubSpotSubscriptionStatus[]>();
  for (const status of statuses) {
    const key = status.subscriberIdString.trim().toLowerCase();
    index.set(key, [...(index.get(key) ?? []), status]);
  }
  return index;
}

/**
 * POST /communication-preferences/v4/statuses/batch/read?channel=EMAIL { inputs: [email, ...] }:
 * one result per input with its statuses (none when the address has none), as the v4 reference
 * shows the answer (`status`, `results[{ subscriberIdString, statuses }]`, `startedAt`,
 * `completedAt`). `channel` is required; only EMAIL statuses are held.
 */
function subscriptionStatuses(index: ReadonlyMap<string, HubSpotSubscriptionStatus[]>, req: SimRequest): SimResponse {
  const channel = req.query.get('channel');
  if (channel === null) invalid('channel is required: EMAIL or WHATSAPP.', 'channel');
  if (channel !== 'EMAIL' && channel !== 'WHATSAPP') invalid(`channel ${channel} is not one of EMAIL, WHATSAPP.`, 'channel');
  const body = jsonObject(req.body);
  const inputs = arrayField(body, 'inputs').map((input, i) => scalarString(input, `inputs[${i}]`));
  if (inputs.length > LIMITS.subscriptionStatusInputs) invalid(`inputs has ${inputs.length} entries; at most ${LIMITS.subscriptionStatusInputs} are allowed.`, 'inputs');
  const startedAt = new Date().toISOString();
  const results = inputs.map((subscriberIdString) => ({
    subscriberIdString,
    statuses: (index.get(subscriberIdString.trim().toLowerCase()) ?? [])
      .filter((s) => s.channel === channel)
      .map((s) => ({ ...s, subscriberIdString, businessUnitId: 0, setStatusSuccessReason: null })),
  }));
  return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt: new Date().toISOString() } };
}

function jsonObject(text: string): Record<string, unknown> {
  const body = parseJson(text);
  if (!isObject(body)) invalid('Invalid input JSON: the body must be a JSON object.');
  return body;
}

function arrayField(body: Record<string, unknown>, field: string, where = field): unknown[] {
  const value = body[field];
  if (!Array.isArray(value)) invalid(`${where} must be an array.`, where);
  return value;
}

function optionalStrings(body: Record<string, unknown>, field: string): string[] | undefined {
  if (body[field] === undefined) return undefined;
  return arrayField(body, field).map((v, i) => scalarString(v, `${field}[${i}]`));
}

/** A string, or a number HubSpot would read as one (its JSON reader coerces scalars). */
function scalarString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  invalid(`${where} must be a string.`, where);
}

function integerParam(value: unknown, where: string, min: number, max: number): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) invalid(`${where} must be an integer.`, where);
  const n = Number(text);
  if (n < min || n > max) invalid(`${where} must be between ${min} and ${max}; got ${n}.`, where);
  return n;
}

/** Contact ids are numeric strings: shorter is smaller, then digit by digit. */
function byNumericId(a: HubSpotContact, b: HubSpotContact): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
