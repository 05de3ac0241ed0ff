/**
 * The CRM connector: HubSpot CRM v3 contacts, read-only. Contacts are fetched by id with batch
 * read and found by email or phone with search; see README.md for the endpoints and the mapping.
 */
import type { Dispatcher } from 'undici';
import { chunk, isObject, isPresent, unique } from '../shared/collections.js';
import { calendarDate, isTimeZone, utcDateTime } from '../shared/time.js';
import { SiloHttp, probeHealth } from '../shared/silo-http.js';
import type {
  Connector,
  CrmContactRecord,
  FoundRecord,
  Identifier,
  IdentifierType,
  SiloEndpoint,
  SiloHealth,
} from '../types.js';
import {
  BATCH_READ_PATH,
  CONTACT_PROPERTIES,
  CONTACTS_PATH,
  LIMITS,
  OBJECT_NOT_FOUND,
  SEARCH_PATH,
  isContactId,
  nationalNumberOf,
  splitMultiValue,
  type HubSpotObject,
} from './hubspot.js';

export type CrmConfig = SiloEndpoint & {
  /** A HubSpot private app access token with the `crm.objects.contacts.read` scope. */
  accessToken: string;
  /**
   * IANA time zone in which a date property sent as an instant is read. Default `UTC`: HubSpot
   * stores a date property as midnight UTC of that date (its "How should timestamps be formatted"
   * FAQ), so only a CRM that writes them otherwise needs another. The gateway passes CRM_TIME_ZONE.
   */
  timeZone?: string;
};

export type CrmConnector = Connector<CrmContactRecord>;

const LOOKUP_TYPES = ['crm', 'email', 'phone'] as const satisfies readonly IdentifierType[];

/**
 * The search properties emails and phones are matched on. Each (property, up to 100 values)
 * becomes one filter group holding one IN filter; groups are OR'ed, so emails and phones share
 * a request.
 */
const SEARCH_PROPERTIES = {
  email: ['email', 'hs_additional_emails'],
  phone: ['hs_searchable_calculated_phone_number', 'hs_searchable_calculated_mobile_number'],
} as const;

/**
 * Filter groups one search carries. A group holds a single filter (the filters of a group are
 * AND'ed, so a second IN filter in it would narrow the match, not widen it), so the cap is the
 * groups per request, or the filters in all were that lower: 5 since HubSpot's August 2024 change.
 */
const GROUPS_PER_SEARCH = Math.min(LIMITS.searchFilterGroups, LIMITS.searchFiltersTotal);

/** One filter group: contacts whose `propertyName` is one of `values` (at most 100). */
interface SearchGroup {
  propertyName: string;
  values: string[];
}

export function createCrmConnector(config: CrmConfig, deps: { dispatcher?: Dispatcher } = {}): CrmConnector {
  const timeZone = config.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(`The CRM connector's "timeZone" must be an IANA time zone such as Europe/Paris, got "${timeZone}".`);
  const http = new SiloHttp({ ...config, source: 'crm', label: 'CRM', dispatcher: deps.dispatcher });
  const headers = { authorization: `Bearer ${config.accessToken}` };
  const api = new ContactsApi(http, headers);

  return {
    source: 'crm',
    lookupTypes: LOOKUP_TYPES,

    async lookup(identifiers) {
      const valuesOf = (type: (typeof LOOKUP_TYPES)[number]): string[] =>
        unique(identifiers.filter((i) => i.type === type).map((i) => i.value));
      const [byId, searched] = await Promise.all([
        api.readByIds(valuesOf('crm')),
        api.searchAny(searchGroups(valuesOf('email'), valuesOf('phone'))),
      ]);
      // A contact matching several identifiers is found more than once: keep it once.
      const found = new Map<string, HubSpotObject>();
      for (const contact of [...byId.values(), ...searched]) found.set(contact.id, contact);
      return [...found.values()].map(toFoundRecord);
    },

    async fetchRecords(ids) {
      const contacts = await api.readByIds(ids);
      return ids.map((id) => {
        const contact = contacts.get(id);
        return contact ? toRecord(contact, timeZone) : null;
      });
    },

    health: (): Promise<SiloHealth> => probeHealth(() => api.probe()),

    close: () => http.close(),
  };
}

/**
 * The filter groups that find contacts by these emails (canonical mailboxes, matched lower-cased,
 * as HubSpot wants IN values of a string property) and E.164 phones on both searchable phone
 * properties: one group per property per 100 values. HubSpot computes a searchable phone from a
 * number typed without `+` as its digits without trunk zero, so a phone is searched both by its
 * national number (`652947840`, for `06 52 94 78 40` or `+33 6 52...`) and by its digits with the
 * country code (`33652947840`, for a number typed without its `+`). A phone that does not parse
 * is skipped. Tagged spellings of a mailbox (`name+tag@gmail.com`) are not searched here: see
 * README.md, "Emails".
 */
function searchGroups(emails: readonly string[], phones: readonly string[]): SearchGroup[] {
  const inGroups = (properties: readonly string[], values: readonly (string | null)[]): SearchGroup[] =>
    chunk(unique(values.filter(isPresent)), LIMITS.searchInValues).flatMap((chunkValues) =>
      properties.map((propertyName): SearchGroup => ({ propertyName, values: chunkValues })),
    );
  return [
    ...inGroups(SEARCH_PROPERTIES.email, emails.map((e) => e.toLowerCase())),
    ...inGroups(SEARCH_PROPERTIES.phone, phones.flatMap((p) => {
      const national = nationalNumberOf(p);
      return national === null ? [] : [national, p.replace(/\D/g, '')];
    })),
  ];
}

/**
 * The HubSpot calls, each validating the documented shape of its answer. Anything else in a body
 * is a SOURCE_BAD_RESPONSE: a gateway that guesses would build a customer from garbage.
 */
class ContactsApi {
  constructor(
    private readonly http: SiloHttp,
    private readonly headers: Record<string, string>,
  ) {}

  /**
   * Contacts by id, keyed by every id that resolves to them: HubSpot answers a merged-away id
   * with its survivor, so the survivor is also keyed by each of its `hs_merged_object_ids`.
   */
  async readByIds(ids: readonly string[]): Promise<Map<string, HubSpotObject>> {
    // A non-numeric id names no contact; sending it would only cost a slot in the batch.
    const wanted = unique(ids.filter(isContactId));
    const batches = await Promise.all(chunk(wanted, LIMITS.batchReadInputs).map((batch) => this.batchRead(batch)));
    const contacts = batches.flat();
    const byId = new Map<string, HubSpotObject>();
    for (const contact of contacts) {
      for (const mergedId of splitMultiValue(contact.properties.hs_merged_object_ids)) byId.set(mergedId, contact);
    }
    // A contact's own id wins over a stale merge record naming the same id.
    for (const contact of contacts) byId.set(contact.id, contact);
    return byId;
  }

  /**
   * Contacts matching any of the groups, every page of them: as many groups per request as
   * HubSpot allows (5), so that a request is split only when the groups do not fit in one.
   */
  async searchAny(groups: readonly SearchGroup[]): Promise<HubSpotObject[]> {
    const searches = await Promise.all(chunk(groups, GROUPS_PER_SEARCH).map((request) => this.search(request)));
    return searches.flat();
  }

  private async search(groups: readonly SearchGroup[]): Promise<HubSpotObject[]> {
    const filterGroups = groups.map(({ propertyName, values }) => ({
      filters: [{ propertyName, operator: 'IN', values }],
    }));
    const found: HubSpotObject[] = [];
    let after: string | undefined;
    do {
      const page = await this.searchPage({ filterGroups, properties: CONTACT_PROPERTIES, limit: LIMITS.searchPageSize, after });
      found.push(...page.results);
      after = page.nextAfter;
    } while (after !== undefined && found.length < LIMITS.searchTotalResults);
    return found;
  }

  /** The cheapest authenticated call: one contact of the list. */
  async probe(): Promise<void> {
    const operation = 'contacts.list';
    const res = await this.http.request({ operation, method: 'GET', path: CONTACTS_PATH, query: { limit: 1 }, headers: this.headers });
    this.objects(operation, res.body);
  }

  private async batchRead(ids: string[]): Promise<HubSpotObject[]> {
    const operation = 'contacts.batchRead';
    const res = await this.http.request({
      operation,
      method: 'POST',
      path: BATCH_READ_PATH,
      headers: this.headers,
      json: { properties: CONTACT_PROPERTIES, inputs: ids.map((id) => ({ id })) },
      // 207 Multi-Status: some ids were not found; the others are in `results`.
      acceptStatus: [207],
    });
    const results = this.objects(operation, res.body);
    this.checkBatchErrors(operation, (res.body as { errors?: unknown }).errors);
    return results;
  }

  private async searchPage(body: {
    filterGroups: unknown[];
    properties: readonly string[];
    limit: number;
    after?: string;
  }): Promise<{ results: HubSpotObject[]; nextAfter?: string }> {
    const operation = 'contacts.search';
    const res = await this.http.request({ operation, method: 'POST', path: SEARCH_PATH, headers: this.headers, json: body });
    const results = this.objects(operation, res.body);
    const next = (res.body as { paging?: { next?: { after?: unknown } } }).paging?.next;
    if (next === undefined) return { results };
    if (typeof next.after !== 'string' || next.after === body.after) {
      throw this.http.badResponse(operation, 'paging.next.after is not a new cursor string');
    }
    return { results, nextAfter: next.after };
  }

  /** The `results` of a list, batch or search answer, each checked to be a HubSpot object. */
  private objects(operation: string, body: unknown): HubSpotObject[] {
    if (!isObject(body)) throw this.http.badResponse(operation, 'the body is not a JSON object');
    if (!Array.isArray(body.results)) throw this.http.badResponse(operation, 'results is not an array');
    return body.results.map((result, index) => {
      const object = toHubSpotObject(result);
      if (!object) throw this.http.badResponse(operation, `results[${index}] is not an object with an id and properties`);
      return object;
    });
  }

  /** Only "not found" is expected per id; any other error means the answer cannot be trusted. */
  private checkBatchErrors(operation: string, errors: unknown): void {
    if (errors === undefined) return;
    if (!Array.isArray(errors)) throw this.http.badResponse(operation, 'errors is not an array');
    for (const error of errors) {
      const category = isObject(error) ? error.category : undefined;
      if (category !== OBJECT_NOT_FOUND) {
        throw this.http.badResponse(operation, `a batch error has category ${String(category)}, not ${OBJECT_NOT_FOUND}`);
      }
    }
  }
}

function toHubSpotObject(value: unknown): HubSpotObject | null {
  if (!isObject(value) || typeof value.id !== 'string' || !isObject(value.properties)) return null;
  const properties: Record<string, string | null> = {};
  for (const [name, v] of Object.entries(value.properties)) properties[name] = typeof v === 'string' ? v : null;
  return {
    id: value.id,
    properties,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
    updatedAt: typeof value.updatedAt === 'string' ? value.updatedAt : '',
    archived: value.archived === true,
  };
}

/**
 * HubSpot properties to the gateway's CrmContact (README lists the mapping). Date properties
 * given as an instant are read in `timeZone` (IANA).
 */
export function toRecord(contact: HubSpotObject, timeZone = 'UTC'): CrmContactRecord {
  const p = (name: (typeof CONTACT_PROPERTIES)[number]): string | null => nonEmpty(contact.properties[name]);
  const address = { street: p('address'), postalCode: p('zip'), city: p('city'), country: p('country') };
  return {
    id: contact.id,
    email: p('email'),
    additionalEmails: splitMultiValue(p('hs_additional_emails')),
    firstName: p('firstname'),
    lastName: p('lastname'),
    phone: p('phone'),
    mobilePhone: p('mobilephone'),
    birthDate: toDate(p('date_of_birth'), timeZone),
    language: p('hs_language'),
    address: Object.values(address).some(isPresent) ? address : null,
    emailOptOut: toBoolean(p('hs_email_optout')),
    mergedContactIds: splitMultiValue(p('hs_merged_object_ids')),
    createdAt: toDateTime(contact.createdAt || p('createdate')),
    updatedAt: toDateTime(contact.updatedAt || p('lastmodifieddate')),
  };
}

/** Every identifier the contact carries, as stored; merged-away ids still name it. */
function toFoundRecord(contact: HubSpotObject): FoundRecord {
  const record = toRecord(contact);
  const identifiers: Identifier[] = [
    { type: 'crm', value: record.id },
    ...record.mergedContactIds.map((value): Identifier => ({ type: 'crm', value })),
    ...[record.email, ...record.additionalEmails].filter(isPresent).map((value): Identifier => ({ type: 'email', value })),
    // A national number is read in the contact's country (its `country` property, as typed).
    ...[record.phone, record.mobilePhone].filter(isPresent).map((value): Identifier => ({ type: 'phone', value, ...countryOf(record) })),
  ];
  return { source: 'crm', id: record.id, identifiers, name: { first: record.firstName ?? null, last: record.lastName ?? null } };
}

function countryOf(record: CrmContactRecord): { country?: string } {
  const country = record.address?.country;
  return country ? { country } : {};
}

/**
 * HubSpot date properties read as `YYYY-MM-DD`: older portals send midnight UTC as a date-time,
 * read in the CRM's zone (see calendarDate). What is neither is unknown.
 */
function toDate(value: string | null, timeZone: string): string | null {
  return value === null ? null : calendarDate(value, timeZone);
}

function toDateTime(value: string | null): string | null {
  return value ? utcDateTime(value) : null;
}

/** HubSpot booleans are the strings "true" and "false"; anything else is unknown. */
function toBoolean(value: string | null): boolean | null {
  return value === 'true' ? true : value === 'false' ? false : null;
}

function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}
