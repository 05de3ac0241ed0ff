/**
 * Reading HubSpot's answers: the documented shape of each body the connector reads, as zod
 * schemas, and the mapping from a contact so read to the gateway's records. Pure: no I/O.
 *
 * The shapes are those of HubSpot's OpenAPI specification for CRM contacts v3
 * (github.com/HubSpot/HubSpot-public-api-spec-collection, PublicApiSpecs/CRM/Contacts/Rollouts/424/v3/contacts.json:
 * `SimplePublicObject`, `CollectionResponseWithTotalSimplePublicObject`,
 * `BatchResponseSimplePublicObject`, `StandardError`, `Paging`), checked against the documented
 * examples in `fixtures/`. A schema requires what the specification requires and what the
 * gateway reads; fields the gateway does not read are let through unchecked (zod drops them), so
 * that a field HubSpot adds later does not break the gateway.
 *
 * Schemas are built once, here, at module level: the gateway reads thousands of bodies a second.
 */
import { z } from '../shared/body-schema.js';
import { isPresent } from '../shared/collections.js';
import { calendarDate, utcDateTime } from '../shared/time.js';
import type { CrmContactRecord, CrmSubscriptionStatusRecord, FoundRecord, Identifier } from '../types.js';
import { CONTACT_PROPERTIES, OBJECT_NOT_FOUND, splitMultiValue } from './hubspot.js';

/**
 * A CRM object as every v3 endpoint returns it (`SimplePublicObject`): `id`, `properties`,
 * `createdAt` and `updatedAt` are required; a property value is a string or null (HubSpot sends
 * booleans, numbers and dates as strings too); `archived` is optional.
 */
export const contactObject = z.object({
  id: z.string(),
  // A map of property name to value; `catchall` checks the same as `record` at about half the cost.
  properties: z.object({}).catchall(z.string().nullable()),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean().optional(),
});

/** A contact as read from HubSpot, typed by {@link contactObject}. */
export type Contact = z.output<typeof contactObject>;

/**
 * `paging` of a list or search page (`Paging`): `next.after` is the cursor of the next page,
 * absent on the last page. `prev` (and `next.link`) are not read.
 */
const paging = z.object({ next: z.object({ after: z.string() }).optional() }).optional();

/**
 * `GET /crm/v3/objects/contacts` (`CollectionResponseSimplePublicObjectWithAssociations`):
 * `results`, and `paging` when more follow.
 */
export const contactListAnswer = z.object({ results: z.array(contactObject), paging });

/**
 * `POST /crm/v3/objects/contacts/search` (`CollectionResponseWithTotalSimplePublicObject`):
 * `total` (every match, all pages) and `results` are required; `paging.next.after` when more follow.
 */
export const contactSearchAnswer = z.object({ total: z.number().int(), results: z.array(contactObject), paging });

/**
 * One entry of a batch answer's `errors` (`StandardError`). The only per-id error a read expects
 * is "not found" (category `OBJECT_NOT_FOUND`, the ids in `context.ids`); any other category means
 * the answer cannot be trusted, so the schema accepts that one alone. `errors` and `links`, which
 * the specification lists as required, are not read, so not required.
 */
const batchError = z.object({
  status: z.string(),
  category: z.literal(OBJECT_NOT_FOUND),
  message: z.string(),
  context: z.record(z.string(), z.array(z.string())).optional(),
});

/**
 * `POST /crm/v3/objects/contacts/batch/read` (`BatchResponseSimplePublicObject`), answered 200
 * or 207 Multi-Status when some ids were not found: `status`, `results`, `startedAt`,
 * `completedAt` required; `numErrors` and `errors` with a 207.
 */
export const contactBatchAnswer = z.object({
  status: z.enum(['PENDING', 'PROCESSING', 'CANCELED', 'COMPLETE']),
  results: z.array(contactObject),
  startedAt: z.string(),
  completedAt: z.string(),
  numErrors: z.number().int().optional(),
  errors: z.array(batchError).optional(),
});

/**
 * `POST /communication-preferences/v4/statuses/batch/read`: `results[{ subscriberIdString,
 * statuses[{ channel, status, subscriptionId, subscriptionName, timestamp, legalBasis, source }] }]`
 * (the v4 reference; fields the gateway does not read are let through).
 */
export const subscriptionStatusAnswer = z.object({
  status: z.string(),
  results: z.array(
    z.object({
      subscriberIdString: z.string(),
      statuses: z.array(
        z.object({
          channel: z.string(),
          status: z.string(),
          subscriptionId: z.union([z.number(), z.string()]),
          subscriptionName: z.string().nullish(),
          timestamp: z.string().nullish(),
          legalBasis: z.string().nullish(),
          source: z.string().nullish(),
        }),
      ),
    }),
  ),
});

/** The statuses of one subscriber as the gateway reads them; times in UTC. */
export function toSubscriptionStatuses(result: z.output<typeof subscriptionStatusAnswer>['results'][number]): CrmSubscriptionStatusRecord[] {
  return result.statuses.map((s) => ({
    email: result.subscriberIdString,
    subscriptionId: String(s.subscriptionId),
    subscriptionName: s.subscriptionName ?? null,
    status: s.status,
    timestamp: s.timestamp ? utcDateTime(s.timestamp) : null,
    legalBasis: s.legalBasis ?? null,
    source: s.source ?? null,
  }));
}

/**
 * Contacts keyed by every id that resolves to them: HubSpot answers a merged-away id with its
 * survivor, so the survivor is also keyed by each of its `hs_merged_object_ids`. A contact's own
 * id wins over a stale merge record naming the same id.
 */
export function byEveryId(contacts: readonly Contact[]): Map<string, Contact> {
  const byId = new Map<string, Contact>();
  for (const contact of contacts) {
    for (const mergedId of splitMultiValue(contact.properties.hs_merged_object_ids)) byId.set(mergedId, contact);
  }
  for (const contact of contacts) byId.set(contact.id, contact);
  return byId;
}

/**
 * HubSpot properties to the gateway's CrmContact (README lists the mapping). Date properties
 * given as an instant are read in `timeZone` (IANA). Empty strings are read as null.
 */
export function toRecord(contact: Contact, timeZone = 'UTC'): CrmContactRecord {
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
    legalBasis: p('hs_legal_basis') === null ? null : splitMultiValue(p('hs_legal_basis')),
    mergedContactIds: splitMultiValue(p('hs_merged_object_ids')),
    createdAt: toDateTime(nonEmpty(contact.createdAt) ?? p('createdate')),
    updatedAt: toDateTime(nonEmpty(contact.updatedAt) ?? p('lastmodifieddate')),
  };
}

/**
 * A contact as a lookup finds it: every identifier it carries, as stored (its id and each
 * merged-away id, its emails, its phones with the contact's `country` as the hint in which a
 * national number is read), and its names, which confirm or refuse a link through a phone alone.
 */
export function toFoundRecord(contact: Contact): FoundRecord {
  const record = toRecord(contact);
  const identifiers: Identifier[] = [
    { type: 'crm', value: record.id },
    ...record.mergedContactIds.map((value): Identifier => ({ type: 'crm', value })),
    ...[record.email, ...record.additionalEmails].filter(isPresent).map((value): Identifier => ({ type: 'email', value })),
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
