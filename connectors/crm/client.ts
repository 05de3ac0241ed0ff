/**
 * The CRM connector: HubSpot CRM v3 contacts, read-only. Contacts are fetched by id with batch
 * read and found by email or phone with search; see README.md for the endpoints and the mapping.
 */
import type { Dispatcher } from 'undici';
import { readBody, type ComplainAboutBody } from '../shared/body-schema.js';
import { appendAll, chunk, isPresent, unique } from '../shared/collections.js';
import { isTimeZone } from '../shared/time.js';
import { SiloHttp, probeHealth, type SiloHttpOptions } from '../shared/silo-http.js';
import type { CrmSiloConnector, CrmSubscriptionStatusRecord, IdentifierType, SiloEndpoint, SiloHealth } from '../types.js';
import {
  BATCH_READ_PATH,
  CONTACT_PROPERTIES,
  CONTACTS_PATH,
  LIMITS,
  SEARCH_PATH,
  SUBSCRIPTION_STATUSES_PATH,
  isContactId,
  nationalNumberOf,
} from './hubspot.js';
import {
  byEveryId,
  contactBatchAnswer,
  contactListAnswer,
  contactSearchAnswer,
  subscriptionStatusAnswer,
  toFoundRecord,
  toSubscriptionStatuses,
  toRecord,
  type Contact,
} from './mapping.js';

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

export type CrmConnector = CrmSiloConnector;

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

/**
 * The CRM connector on a HubSpot account (or the simulator): looks up `crm` ids with batch read
 * and emails and phones with search, fetches contacts by id, probes health with the list
 * endpoint (README.md lists the endpoints and the mapping). `deps.dispatcher` replaces the
 * keep-alive undici Pool (tests, benchmarks). Throws an Error when `config.timeZone` is not an
 * IANA time zone. A call's failure is a SourceError: SOURCE_UNAVAILABLE (401, 403, 429, 5xx,
 * unreachable), SOURCE_TIMEOUT, or SOURCE_BAD_RESPONSE (another status, or an answer without the
 * documented shape).
 */
export function createCrmConnector(config: CrmConfig, deps: { dispatcher?: Dispatcher; onBreakerChange?: SiloHttpOptions['onBreakerChange'] } = {}): CrmConnector {
  const timeZone = config.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new Error(`The CRM connector's "timeZone" must be an IANA time zone such as Europe/Paris, got "${timeZone}".`);
  const http = new SiloHttp({ ...config, source: 'crm', label: 'CRM', dispatcher: deps.dispatcher, onBreakerChange: deps.onBreakerChange });
  const headers = { authorization: `Bearer ${config.accessToken}` };
  const api = new ContactsApi(http, headers);

  return {
    source: 'crm',
    lookupTypes: LOOKUP_TYPES,

    async lookup(identifiers, signal) {
      const valuesOf = (type: (typeof LOOKUP_TYPES)[number]): string[] =>
        unique(identifiers.filter((i) => i.type === type).map((i) => i.value));
      const [byId, searched] = await Promise.all([
        api.readByIds(valuesOf('crm'), signal),
        api.searchAny(searchGroups(valuesOf('email'), valuesOf('phone')), signal),
      ]);
      // A contact matching several identifiers is found more than once: keep it once.
      const found = new Map<string, Contact>();
      for (const contact of [...byId.values(), ...searched]) found.set(contact.id, contact);
      return [...found.values()].map(toFoundRecord);
    },

    async fetchRecords(ids, signal) {
      const contacts = await api.readByIds(ids, signal);
      return ids.map((id) => {
        const contact = contacts.get(id);
        return contact ? toRecord(contact, timeZone) : null;
      });
    },

    async subscriptionStatuses(emails, signal) {
      const wanted = unique(emails.map((e) => e.trim()).filter((e) => e !== ''));
      const batches = await Promise.all(chunk(wanted, LIMITS.subscriptionStatusInputs).map((batch) => api.subscriptionStatuses(batch, signal)));
      const byEmail = new Map<string, CrmSubscriptionStatusRecord[]>();
      for (const batch of batches) for (const [email, statuses] of batch) byEmail.set(email.toLowerCase(), statuses);
      return emails.map((email) => byEmail.get(email.trim().toLowerCase()) ?? []);
    },

    health: (): Promise<SiloHealth> => probeHealth(() => api.probe()),

    close: () => http.close(),
    calls: http,
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
 * The HubSpot calls, each reading its answer through the documented shape (mapping.ts). Anything
 * else in a body is a SOURCE_BAD_RESPONSE naming the field and what was expected: a gateway that
 * guesses would build a customer from garbage.
 */
class ContactsApi {
  constructor(
    private readonly http: SiloHttp,
    private readonly headers: Record<string, string>,
  ) {}

  /**
   * Contacts by id, keyed by every id that resolves to them (see byEveryId: a merged-away id
   * resolves to its survivor).
   */
  async readByIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, Contact>> {
    // A non-numeric id names no contact; sending it would only cost a slot in the batch.
    const wanted = unique(ids.filter(isContactId));
    const batches = await Promise.all(chunk(wanted, LIMITS.batchReadInputs).map((batch) => this.batchRead(batch, signal)));
    return byEveryId(batches.flat());
  }

  /**
   * Contacts matching any of the groups, every page of them: as many groups per request as
   * HubSpot allows (5), so that a request is split only when the groups do not fit in one.
   */
  async searchAny(groups: readonly SearchGroup[], signal?: AbortSignal): Promise<Contact[]> {
    const searches = await Promise.all(chunk(groups, GROUPS_PER_SEARCH).map((request) => this.search(request, signal)));
    return searches.flat();
  }

  private async search(groups: readonly SearchGroup[], signal: AbortSignal | undefined): Promise<Contact[]> {
    const filterGroups = groups.map(({ propertyName, values }) => ({
      filters: [{ propertyName, operator: 'IN', values }],
    }));
    const found: Contact[] = [];
    let after: string | undefined;
    do {
      // Each page is a call of its own: none once the request is stopped (silo-http.ts).
      const page = await this.searchPage({ filterGroups, properties: CONTACT_PROPERTIES, limit: LIMITS.searchPageSize, after }, signal);
      // HubSpot sends at most the page size asked: a longer page is not HubSpot's answer.
      if (page.results.length > LIMITS.searchPageSize) {
        throw this.http.badResponse('contacts.search', `a page of ${page.results.length} contacts, more than the ${LIMITS.searchPageSize} a page holds`);
      }
      appendAll(found, page.results);
      after = page.nextAfter;
    } while (after !== undefined && found.length < LIMITS.searchTotalResults);
    return found;
  }

  /** The cheapest authenticated call: one contact of the list. */
  async probe(): Promise<void> {
    const operation = 'contacts.list';
    const res = await this.http.request({ operation, method: 'GET', path: CONTACTS_PATH, query: { limit: 1 }, headers: this.headers });
    readBody(contactListAnswer, res.body, this.complain(operation));
  }

  private async batchRead(ids: string[], signal: AbortSignal | undefined): Promise<Contact[]> {
    const operation = 'contacts.batchRead';
    const res = await this.http.request({
      operation,
      method: 'POST',
      path: BATCH_READ_PATH,
      headers: this.headers,
      // propertiesWithHistory is required by the documented request (BatchReadInputSimplePublicObjectId); none is wanted.
      json: { properties: CONTACT_PROPERTIES, propertiesWithHistory: [], inputs: ids.map((id) => ({ id })) },
      // 207 Multi-Status: some ids were not found (OBJECT_NOT_FOUND); the others are in `results`.
      acceptStatus: [207],
      signal,
    });
    return readBody(contactBatchAnswer, res.body, this.complain(operation)).results;
  }

  private async searchPage(body: {
    filterGroups: unknown[];
    properties: readonly string[];
    limit: number;
    after?: string;
  }, signal: AbortSignal | undefined): Promise<{ results: Contact[]; nextAfter?: string }> {
    const operation = 'contacts.search';
    const res = await this.http.request({ operation, method: 'POST', path: SEARCH_PATH, headers: this.headers, json: body, signal });
    const page = readBody(contactSearchAnswer, res.body, this.complain(operation));
    const next = page.paging?.next?.after;
    if (next === undefined) return { results: page.results };
    // The same cursor again would page forever.
    if (next === body.after) throw this.http.badResponse(operation, 'paging.next.after: expected a new cursor, received the one just sent');
    return { results: page.results, nextAfter: next };
  }

  /** The EMAIL subscription statuses of up to 100 addresses, keyed by the address HubSpot answers. */
  async subscriptionStatuses(emails: readonly string[], signal?: AbortSignal): Promise<Map<string, CrmSubscriptionStatusRecord[]>> {
    const operation = 'subscriptions.batchRead';
    const res = await this.http.request({ operation, method: 'POST', path: SUBSCRIPTION_STATUSES_PATH, query: { channel: 'EMAIL' }, headers: this.headers, json: { inputs: emails }, signal });
    const answer = readBody(subscriptionStatusAnswer, res.body, this.complain(operation));
    return new Map(answer.results.map((result) => [result.subscriberIdString, toSubscriptionStatuses(result)]));
  }

  private complain(operation: string): ComplainAboutBody {
    return (problem) => this.http.badResponse(operation, problem);
  }
}
