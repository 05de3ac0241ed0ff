/**
 * Hand-made records appended to a generated population, for tests that need a case the generator
 * does not make (or makes too rarely to find): two strangers with one placeholder email, a family
 * tablet logged in as two shop customers, an email ending in an invisible character. Every
 * helper appends one record in its product's own shape (connectors/population.ts), with defaults for
 * what the test does not care about, and records who it belongs to in the truth.
 *
 * Usage: `const edit = new PopulationEdit(generatePopulation(...))`, then
 * `edit.person([edit.contact({ email: 'x@y.fr' }), edit.member({ email: 'x@y.fr' })])`.
 */
import type {
  HubSpotContact,
  HubSpotContactProperties,
  MatomoVisit,
  OpenLoyaltyMember,
  Population,
  ShopifyCustomer,
  SourceName,
} from '../../connectors/population.js';

/** A record key as the truth holds it. */
export interface RecordRef {
  source: SourceName;
  id: string;
}

const CREATED = '2025-06-01T10:00:00.000Z';

export class PopulationEdit {
  readonly population: Population;
  private people = 0;

  /** Works on a deep copy: the population passed in is left as it was. */
  constructor(population: Population) {
    this.population = structuredClone(population);
  }

  /**
   * A HubSpot contact with these properties (the rest null); returns its key. Its id is the next
   * after the population's largest unless `options.id` gives one (a test that pins a golden id
   * needs a literal).
   */
  contact(properties: Partial<HubSpotContactProperties>, options: { createdAt?: string; updatedAt?: string; id?: string } = {}): RecordRef {
    const times = options;
    const contacts = this.population.crm.contacts;
    if (options.id !== undefined && contacts.some((c) => c.id === options.id)) throw new Error(`The population already has CRM contact ${options.id}.`);
    const id = options.id ?? String(Math.max(0, ...contacts.map((c) => Number(c.id))) + 1);
    const createdAt = times.createdAt ?? CREATED;
    const updatedAt = times.updatedAt ?? createdAt;
    const contact: HubSpotContact = {
      id,
      properties: {
        email: null, firstname: null, lastname: null, phone: null, mobilephone: null, hs_additional_emails: null,
        date_of_birth: null, hs_language: null, address: null, city: null, zip: null, country: null,
        hs_email_optout: 'false', hs_merged_object_ids: null, createdate: createdAt, lastmodifieddate: updatedAt,
        ...properties,
      },
      createdAt,
      updatedAt,
      archived: false,
    };
    contacts.push(contact);
    return { source: 'crm', id };
  }

  /** An Open Loyalty member (active, lowest level, no card unless given); returns its key. */
  member(fields: Partial<OpenLoyaltyMember>): RecordRef {
    const members = this.population.loyalty.members;
    const id = fields.customerId ?? `00000000-0000-4000-8000-${String(members.length + 1).padStart(12, '0')}`;
    const member: OpenLoyaltyMember = {
      customerId: id,
      firstName: null, lastName: null, email: null, phone: null, loyaltyCardNumber: null, birthDate: null, address: null,
      levelId: this.population.loyalty.levels[0]!.levelId,
      activePoints: 0, active: true, agreement1: true, agreement2: false,
      createdAt: CREATED, updatedAt: CREATED,
      ...fields,
    };
    members.push(member);
    return { source: 'loyalty', id };
  }

  /** A Shopify customer (enabled, no orders); returns its key. */
  shopCustomer(fields: Partial<ShopifyCustomer>): RecordRef {
    const customers = this.population.commerce.customers;
    const id = fields.id ?? Math.max(0, ...customers.map((c) => c.id)) + 1;
    const customer: ShopifyCustomer = {
      id,
      email: null, first_name: null, last_name: null, phone: null,
      created_at: CREATED, updated_at: CREATED,
      orders_count: 0, total_spent: '0.00', currency: this.population.commerce.currency,
      state: 'enabled', verified_email: true, tags: '', default_address: null, email_marketing_consent: null,
      ...fields,
    };
    customers.push(customer);
    return { source: 'commerce', id: String(id) };
  }

  /**
   * Visits of one Matomo visitor (a browser or app install), one per entry of `userIds` (null for
   * an anonymous visit), a day apart; returns the visitor's key.
   */
  visitor(visitorId: string, userIds: ReadonlyArray<string | null>, fields: Partial<MatomoVisit> = {}): RecordRef {
    const visits = this.population.analytics.visits;
    let idVisit = Math.max(0, ...visits.map((v) => v.idVisit));
    const start = Date.parse(CREATED) / 1000;
    userIds.forEach((userId, i) => {
      const first = start + i * 86_400;
      visits.push({
        idVisit: (idVisit += 1),
        visitorId,
        userId,
        firstActionTimestamp: first,
        lastActionTimestamp: first + 120,
        visitDuration: 120,
        deviceType: 'tablet',
        operatingSystem: 'Android',
        browserName: 'Chrome Mobile',
        referrerType: 'direct',
        referrerName: null,
        actionDetails: [{ type: 'action', url: 'https://shop.example/', pageTitle: 'Home', timestamp: first }],
        ...fields,
      });
    });
    return { source: 'analytics', id: visitorId };
  }

  /** Records the records as one new person of the truth; returns the person id. */
  person(records: readonly RecordRef[]): string {
    this.people += 1;
    const person = `p-test-${this.people}`;
    this.population.truth.push({ person, records: [...records] });
    return person;
  }

  /** Adds records to an existing person of the truth. */
  join(person: string, records: readonly RecordRef[]): void {
    const entry = this.population.truth.find((t) => t.person === person);
    if (!entry) throw new Error(`No person ${person} in the truth.`);
    entry.records.push(...records);
  }
}
