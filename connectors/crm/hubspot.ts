/**
 * What the connector and the simulator both know about HubSpot CRM v3 contacts: paths, documented
 * limits, the properties the gateway reads, the wire shape of an object, and the two rules HubSpot
 * applies to property values (multi-values joined by ";", phones made searchable without their
 * country code). One module so that the client and the simulator cannot drift apart.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export const CONTACTS_PATH = '/crm/v3/objects/contacts';
export const BATCH_READ_PATH = `${CONTACTS_PATH}/batch/read`;
export const SEARCH_PATH = `${CONTACTS_PATH}/search`;
/** Communication preferences v4: the subscription statuses of a batch of subscribers (email addresses), `?channel=EMAIL`. */
export const SUBSCRIPTION_STATUSES_PATH = '/communication-preferences/v4/statuses/batch/read';

/** HubSpot's documented limits for the endpoints modelled here. */
export const LIMITS = {
  /** Inputs per batch read. */
  batchReadInputs: 100,
  /**
   * Subscribers per subscription-status batch read. The endpoint's reference states no limit;
   * 100 is HubSpot's batch limit elsewhere, kept here so a batch is never refused.
   */
  subscriptionStatusInputs: 100,
  /** `limit` of the basic list endpoint. */
  listPageSize: 100,
  /** `limit` of a search page. */
  searchPageSize: 200,
  /** A search never pages past this many results. */
  searchTotalResults: 10_000,
  /** `values` of one IN / NOT_IN filter. */
  searchInValues: 100,
  /** Since the August 2024 search change: groups, filters per group, filters in all. */
  searchFilterGroups: 5,
  searchFiltersPerGroup: 10,
  searchFiltersTotal: 25,
} as const;

/** The contact properties the gateway maps (see README). */
export const CONTACT_PROPERTIES = [
  'email',
  'hs_additional_emails',
  'firstname',
  'lastname',
  'phone',
  'mobilephone',
  'date_of_birth',
  'hs_language',
  'address',
  'zip',
  'city',
  'country',
  'hs_email_optout',
  'hs_legal_basis',
  'hs_merged_object_ids',
  'createdate',
  'lastmodifieddate',
] as const;

/** A CRM object as every v3 endpoint returns it. Property values are strings or null. */
export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** The category HubSpot gives the per-id error of a batch read that did not find some ids. */
export const OBJECT_NOT_FOUND = 'OBJECT_NOT_FOUND';

/** Contact ids are numeric strings; anything else cannot name a contact. */
export function isContactId(value: string): boolean {
  return /^\d{1,20}$/.test(value);
}

/**
 * The values of a multi-value property (`hs_additional_emails`, `hs_merged_object_ids`), which
 * HubSpot sends joined by ";".
 */
export function splitMultiValue(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/**
 * What HubSpot stores in `hs_searchable_calculated_phone_number` (from `phone`) and
 * `hs_searchable_calculated_mobile_number` (from `mobilephone`): the digits of the number as
 * dialled inside its country, without the country code. A number written with `+` or `00` keeps
 * its national number; one written locally ("06 12 34 56 78") keeps its digits minus the trunk
 * zero, which is the same thing for the countries whose trunk prefix is 0.
 */
export function searchablePhoneNumber(stored: string | null | undefined): string | null {
  if (!stored) return null;
  const text = stored.trim();
  const international = text.startsWith('+') ? text : text.startsWith('00') ? `+${text.slice(2)}` : null;
  const national = international ? nationalNumberOf(international) : null;
  const digits = national ?? text.replace(/\D/g, '').replace(/^0+/, '');
  return digits === '' ? null : digits;
}

/**
 * The national number of an international phone (`+33612345678` -> `612345678`): what the
 * gateway's E.164 phones are searched as. Null when it does not parse.
 */
export function nationalNumberOf(e164: string): string | null {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? null;
}
