/**
 * Canary people planted in a population for the access tests: every personal value they have
 * (emails, phones, names, birth dates, street addresses, card numbers) is a string no generated
 * record holds, so that finding one in a response body means the gateway let it out. Each canary
 * has records in several silos, linked by one email, as a real customer's are.
 */
import type { Population } from '../../connectors/population.js';
import { PopulationEdit } from './population-edit.js';

export interface Canary {
  /** The person of the truth. */
  person: string;
  /** Record keys (`crm:…`), as `customer(id:)` takes them. */
  keys: string[];
  email: string;
  /** A phone as `phone:` takes it (E.164). */
  phone: string;
  card: string | null;
  /**
   * Every personal value of the canary, in every spelling a response could carry (as stored, and
   * normalized: lower-cased email, E.164 phone), none of which may appear in an answer to a client
   * without pii:read.
   */
  secrets: string[];
}

interface CanarySpec {
  n: number;
  first: string;
  last: string;
  phone: { stored: string; e164: string };
  mobile: { stored: string; e164: string };
  birth: string;
  street: string;
  city: string;
  zip: string;
  card: string;
  silos: { crm: boolean; loyalty: boolean; commerce: boolean; analytics: boolean };
}

const SPECS: CanarySpec[] = [
  {
    n: 1, first: 'Zephyrine', last: 'Quillfeather',
    phone: { stored: '06 48 21 77 09', e164: '+33648217709' }, mobile: { stored: '+33 7 58 44 12 96', e164: '+33758441296' },
    birth: '1981-04-17', street: '17 Rue du Canari', city: 'Canaryville', zip: '99117', card: 'CNRY11770001',
    silos: { crm: true, loyalty: true, commerce: true, analytics: true },
  },
  {
    n: 2, first: 'Barnaby', last: 'Thistlewick',
    phone: { stored: '+33 6 31 90 57 48', e164: '+33631905748' }, mobile: { stored: '07 69 13 58 27', e164: '+33769135827' },
    birth: '1974-11-29', street: '29 Impasse des Serins', city: 'Sérinbourg', zip: '99229', card: 'CNRY22290002',
    silos: { crm: false, loyalty: true, commerce: true, analytics: false },
  },
  {
    n: 3, first: 'Ottoline', last: 'Marrowgate',
    phone: { stored: '06 27 84 39 15', e164: '+33627843915' }, mobile: { stored: '06 27 84 39 16', e164: '+33627843916' },
    birth: '1993-02-05', street: '5 Allée du Pinson', city: 'Pinsonnet', zip: '99305', card: 'CNRY33050003',
    silos: { crm: true, loyalty: false, commerce: true, analytics: true },
  },
];

/** Plants the canaries in a copy of `population`; returns it and them. */
export function plantCanaries(population: Population): { population: Population; canaries: Canary[] } {
  const edit = new PopulationEdit(population);
  const canaries = SPECS.map((spec): Canary => {
    const email = `canary${spec.n}.${spec.last.toLowerCase()}@canary-mail.example`;
    const otherEmail = `canary${spec.n}.alt@canary-mail.example`;
    const keys = [];
    if (spec.silos.crm) {
      keys.push(edit.contact({
        email: email.toUpperCase(), firstname: spec.first, lastname: spec.last, phone: spec.phone.stored, mobilephone: spec.mobile.stored,
        hs_additional_emails: otherEmail, date_of_birth: spec.birth, address: spec.street, city: spec.city, zip: spec.zip, country: 'FR',
      }));
    }
    if (spec.silos.loyalty) {
      keys.push(edit.member({
        email, firstName: spec.first, lastName: spec.last, phone: spec.mobile.e164, loyaltyCardNumber: spec.card, birthDate: spec.birth,
        address: { street: spec.street, postal: spec.zip, city: spec.city, country: 'FR' },
      }));
    }
    let shopId: string | null = null;
    if (spec.silos.commerce) {
      const ref = edit.shopCustomer({
        email, first_name: spec.first, last_name: spec.last, phone: spec.phone.e164,
        default_address: { address1: spec.street, city: spec.city, zip: spec.zip, country_code: 'FR' },
      });
      shopId = ref.id;
      keys.push(ref);
    }
    if (spec.silos.analytics && shopId !== null) keys.push(edit.visitor(`cafe0000000000${String(spec.n).padStart(2, '0')}`, [null, shopId]));
    const person = edit.person(keys);
    return {
      person,
      keys: keys.map((k) => `${k.source}:${k.id}`),
      email,
      phone: spec.mobile.e164,
      card: spec.silos.loyalty ? spec.card : null,
      secrets: [
        email, email.toUpperCase(), otherEmail, spec.first, spec.last, spec.phone.stored, spec.phone.e164, spec.mobile.stored, spec.mobile.e164,
        spec.birth, spec.street, spec.city, spec.card,
      ],
    };
  });
  return { population: edit.population, canaries };
}

/** The canary secrets `text` holds, as `"<secret>" (<person>)`; empty when none. */
export function leakedSecrets(text: string, canaries: readonly Canary[]): string[] {
  return canaries.flatMap((canary) => canary.secrets.filter((secret) => text.includes(secret)).map((secret) => `"${secret}" (${canary.person})`));
}
