/**
 * The seeded population generator: a French retailer's customers, spread over its four silos with
 * the mess real silos have (duplicates, merges, reissued cards, households sharing a landline,
 * placeholders, emails and phones typed every which way), plus the truth of who is who.
 *
 * The pipeline is: a product catalog and a list of real persons (who they are, which silos know
 * them), then one projection per silo that drafts that silo's records for each person with the
 * silo's own mess, then {@link connectRecords}, which makes sure a person's records are tied by
 * something a retailer can match on (the mess stays, but resolvable, apart from documented cases),
 * then ids and the truth. Every random draw comes from a {@link Random} stream named after its
 * stage, so the same seed, size and `now` always give the same population, byte for byte.
 *
 * Rates are in {@link RATES}; docs/population.md explains each one. The messy cases added for
 * issue 11 keep their pure parts in ./messy/ (placeholder words, mailbox spellings and the
 * canonical mailbox, shared-device logins, padded ids); this file decides where they happen.
 */
import {
  POPULATION_FORMAT_VERSION,
  type AnalyticsSilo,
  type CommerceSilo,
  type CrmSilo,
  type HubSpotContact,
  type HubSpotContactProperties,
  type LoyaltySilo,
  type MatomoAction,
  type MatomoVisit,
  type OpenLoyaltyAddress,
  type OpenLoyaltyLevel,
  type OpenLoyaltyMember,
  type OpenLoyaltyTransaction,
  type Population,
  type ShopifyCustomer,
  type ShopifyLineItem,
  type ShopifyOrder,
  type SourceName,
  type TruthEntry,
} from '../../connectors/population.js';
import { Random } from './random.js';
import {
  canonicalMailbox,
  decomposed,
  isGmail,
  takesPlusTag,
  withGmailDots,
  withInvisible,
  withPlusTag,
  withTrailingDot,
} from './messy/mailbox.js';
import { paddedUserId } from './messy/id-variants.js';
import { CLASSIC_PLACEHOLDER_EMAILS, isPlaceholderEmail, placeholderEmail } from './messy/placeholders.js';
import { sharedDeviceLogins, type Login } from './messy/shared-devices.js';

export interface GenerateOptions {
  /** Integer from 0 to 2^32 - 1. */
  seed: number;
  /** Number of real persons, at least 1. */
  size: number;
  /** The moment the population is generated at; every date falls in the five years before it. */
  now?: Date;
}

/**
 * How often each messy case happens. Shares of persons unless said otherwise. The silo shares
 * follow from the first block (see {@link pickSilos}): CRM ~70%, loyalty ~55%, commerce 60%,
 * analytics ~64% of persons, ~14% of persons in one silo only.
 */
export const RATES = {
  /** Persons living in GB, DE, BE, ES, IT, US or CA (the rest live in France). */
  foreignCustomer: 0.14,
  /** Persons who shop online: a Shopify customer each. */
  onlineShopper: 0.6,
  /** Of online shoppers: also tracked by analytics (they log in on the site). */
  onlineShopperTracked: 0.93,
  /** Of online shoppers: also a CRM contact. */
  onlineShopperInCrm: 0.665,
  /** Of online shoppers: also a loyalty member. */
  onlineShopperInLoyalty: 0.43,
  /**
   * Persons only ever seen as anonymous visitors in analytics (they never log in: no account), one
   * device each: nothing could tell that two never-logged-in browsers are one person.
   */
  anonymousVisitor: 0.08,
  /** Of in-store-only customers (the rest): CRM and loyalty, CRM only, loyalty only. */
  inStoreBoth: 0.85,
  inStoreCrmOnly: 0.09,
  /** Of French persons outside households: a landline of their own. */
  ownLandline: 0.2,
  /** Of records with an email (CRM, loyalty, commerce): the email differs from the clean one by case or spaces. */
  emailVariant: 0.15,
  /** Of CRM persons: two CRM contacts. */
  crmDuplicate: 0.06,
  /** Of contacts: carry `hs_merged_object_ids`. */
  crmMerged: 0.03,
  /** Persons living in a household of 2 to 4 sharing one landline. */
  household: 0.04,
  /**
   * Of household members who shop in stores only and are in loyalty: signed up at the till with
   * the home line only, no email. Nothing ties such a member to the person's CRM contact:
   * unlinkable by design, kept rare (about 0.4% of members, under 0.15% of record pairs).
   */
  householdLandlineOnly: 0.2,
  /**
   * Of CRM contacts and loyalty members: a placeholder email or (CRM only) phone. Emails are drawn
   * by {@link placeholderEmail}: a quarter the classic `none@none.com`, `n/a`, `no@email.com`, the
   * rest "no email" in the clerk's or the customer's words (`no.email@`, `pas-de-mail@`,
   * `sansemail@`, `aucun@`, `keine@`, `sin_email@`, `nomail@`, `none@`... on the retailer's domain).
   */
  placeholder: 0.02,
  /** Of shop customers: the `noemail@` address the shop uses for customers created at the till. */
  commercePlaceholder: 0.01,
  /** Of loyalty persons: a reissued card (an inactive old member and an active new one). */
  reissuedCard: 0.05,
  /**
   * Of loyalty transactions that follow a purchase of the same member: a return of part of it. A
   * member's first receipt cannot be a return, so about 5% of all transactions are returns.
   */
  returnAfterPurchase: 0.06,
  /**
   * Of households with two or more shop customers tracked by analytics: a shared tablet or
   * computer on which two of them log in, one with strictly more logged-in visits (the owner, whose
   * device it is in the truth). About 0.3% of logged-in devices.
   */
  sharedDevice: 0.4,
  /**
   * Of loyalty members' emails that are the person's own: a copy-paste at the till left an
   * invisible character in it (zero-width space, or a byte order mark in front). Not in the CRM:
   * HubSpot validates addresses.
   */
  invisibleInEmail: 0.005,
  /** Of CRM contacts and loyalty members: a name (first or last) with an invisible character from a copy-paste. */
  invisibleInName: 0.005,
  /** Of records in any silo whose names have accents: the names in decomposed Unicode (NFD), as macOS and PDFs give them. */
  decomposedName: 0.02,
  /**
   * Of logged-in analytics devices: an integration sent the shop customer id as `userId` with
   * surrounding spaces or leading zeros (see messy/id-variants.ts), on the device's first
   * logged-in visits until it was fixed (sometimes on all of them).
   */
  paddedUserId: 0.01,
  /** Of loyalty members' own emails: the domain with a trailing dot (`lea1966@gmail.com.`). Not in the CRM: HubSpot validates addresses. */
  trailingDotEmail: 0.004,
  /**
   * Of shop customers whose provider ignores `+tags` (Gmail, Outlook.com, Hotmail, iCloud...):
   * signed up with a tag (`francois.masson19+shop@gmail.com`), the same mailbox as the untagged one.
   */
  plusTagEmail: 0.02,
  /**
   * Of records holding the person's own Gmail address (any silo): the dots moved or dropped
   * (`francoismasson19@gmail.com`). The hardest to find with a silo's own search, so kept rare:
   * about 0.1% of records.
   */
  gmailDots: 0.005,
  /**
   * Of foreign persons' CRM phone fields: typed as the customer dictated, in national format
   * without the country code (`349 7766351`, `07412 345678`); the contact's country is then always
   * written, so that the number can be read in it.
   */
  nationalForeignPhone: 0.2,
  /** Of CRM phone fields: the international number without its `+` (`33652947840`). */
  phoneWithoutPlus: 0.02,
  /**
   * Of US and Canadian persons in the CRM: a household line (`+1 212 736 0147`) on their contact,
   * shared with a son of the same first and last name who has only a loyalty card signed up with
   * that line, no email. Two persons; US and Canadian numbers cannot be told mobile from landline.
   */
  nanpHousehold: 0.25,
} as const;

export const RETAILER = {
  name: 'Maison Cassel',
  domain: 'maison-cassel.fr',
  site: 'https://www.maison-cassel.fr',
  currency: 'EUR',
  loyaltyStoreCode: 'DEFAULT',
  analyticsSiteId: 1,
} as const;

/**
 * The classic placeholders clerks type to get past a required field, and the shop's own till
 * address. Shared by many persons: never an identity. The generator also writes "no email" in
 * words ({@link placeholderEmail}); {@link isPlaceholderEmail} knows them all.
 */
export const PLACEHOLDER_EMAILS: readonly string[] = [`noemail@${RETAILER.domain}`, ...CLASSIC_PLACEHOLDER_EMAILS];
export { isPlaceholderEmail };
export const PLACEHOLDER_PHONES: readonly string[] = ['0000000000', '+33000000000', 'n/a', '1111111111'];

// ---------------------------------------------------------------------------------------------
// Time: whole unix seconds everywhere, so Matomo timestamps and ISO dates agree.

const DAY = 86_400;
const WINDOW = Math.round(5 * 365.25 * DAY);

interface Clock {
  /** Unix seconds, not after the `now` option. */
  now: number;
  /** The earliest second any generated date may take: five years before now. */
  start: number;
}

function clockAt(now: Date): Clock {
  const sec = Math.floor(now.getTime() / 1000);
  return { now: sec, start: sec - WINDOW + 1 };
}

/** The start of the current UTC day: a default that stays the same for a whole day of runs. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function iso(sec: number): string {
  return new Date(sec * 1000).toISOString();
}

function randomSec(rng: Random, from: number, to: number): number {
  return from + Math.floor(rng.next() * Math.max(0, to - from));
}

function sortedSecs(rng: Random, n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, () => randomSec(rng, from, to)).sort((a, b) => a - b);
}

/** An integer in [min, max] leaning towards min: most customers buy little, a few buy a lot. */
function skewedInt(rng: Random, min: number, max: number, power: number): number {
  return Math.min(max, min + Math.floor((max - min + 1) * rng.next() ** power));
}

/**
 * How many purchases a customer made: none for a share `none` (signed up, never bought), else 1 to
 * `max`, most buying a few times and a few buying often (mean about 1 + max / 5).
 */
function activityCount(rng: Random, none: number, max: number): number {
  return rng.chance(none) ? 0 : skewedInt(rng, 1, max, 4);
}

// ---------------------------------------------------------------------------------------------
// Reference data.

type Country = 'FR' | 'GB' | 'DE' | 'BE' | 'ES' | 'IT' | 'US' | 'CA';

/** Countries of the North American Numbering Plan: their numbers do not tell a mobile from a landline. */
const NANP: ReadonlySet<Country> = new Set(['US', 'CA']);

/** Whether a person's phones can link their records: not in the US and Canada (see {@link NANP}). */
function phoneLinks(person: { country: Country }): boolean {
  return !NANP.has(person.country);
}

interface PhonePlan {
  /** Country calling code. */
  cc: string;
  /** Digit groups of the national significant number, as people write them. */
  groups: readonly number[];
  /** Whether the country dials a leading 0 nationally, which some write as `(0)`. */
  trunk: boolean;
  /** A random mobile's national significant number, valid for libphonenumber. */
  mobile: (rng: Random) => string;
  /** The national significant number as people of the country write it at home. */
  national: (nsn: string) => string;
}

interface CountryProfile {
  weight: number;
  languages: ReadonlyArray<readonly [string, number]>;
  /** How people type the country in a free-text CRM field. */
  written: ReadonlyArray<readonly [string, number]>;
  firstNames: readonly string[];
  lastNames: readonly string[];
  cities: ReadonlyArray<readonly [string, readonly string[]]>;
  streets: readonly string[];
  /** Street line from a number and a street name, in the country's order. */
  streetLine: (n: number, street: string) => string;
  emailDomains: ReadonlyArray<readonly [string, number]>;
  phone: PhonePlan;
}

const FRENCH_FIRST = [
  'Anna', 'Léa', 'Chloé', 'Manon', 'Camille', 'Inès', 'Jade', 'Louise', 'Emma', 'Zoé', 'Sarah', 'Juliette',
  'Lucie', 'Hélène', 'Nathalie', 'Isabelle', 'Sophie', 'Céline', 'Margaux', 'Clémence', 'Élodie', 'Aurélie',
  'Mathilde', 'Noémie', 'Amina', 'Lucas', 'Hugo', 'Louis', 'Gabriel', 'Arthur', 'Jules', 'Thomas', 'Nicolas',
  'Julien', 'Antoine', 'Maxime', 'Théo', 'Mathieu', 'Pierre', 'Baptiste', 'François', 'Jérôme', 'Stéphane',
  'Olivier', 'Benoît', 'Rémi', 'Mehdi', 'Karim', 'Yanis', 'Adam',
] as const;
const FRENCH_LAST = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel',
  'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand',
  'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Perrin', 'Morin',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Da Silva', 'Nguyen', 'Benali',
  'Haddad', 'Rossi', 'Ferreira', 'Le Gall', 'Kervella', "N'Diaye", 'Traoré', 'Saint-Martin', 'Diallo',
] as const;

/** Two-digit groups: French numbers are written in pairs after the first digit. */
const FR_GROUPS = [1, 2, 2, 2, 2] as const;

const COUNTRIES: Record<Country, CountryProfile> = {
  FR: {
    weight: 1 - RATES.foreignCustomer,
    languages: [['fr', 1]],
    written: [['France', 50], ['FR', 30], ['france', 12], ['FRANCE', 8]],
    firstNames: FRENCH_FIRST,
    lastNames: FRENCH_LAST,
    cities: [
      ['Paris', ['75001', '75003', '75004', '75009', '75011', '75012', '75015', '75017', '75018', '75020']],
      ['Lyon', ['69001', '69002', '69003', '69006', '69007']],
      ['Marseille', ['13001', '13006', '13008', '13012']],
      ['Toulouse', ['31000', '31200', '31400']],
      ['Bordeaux', ['33000', '33100', '33200']],
      ['Lille', ['59000', '59800']],
      ['Nantes', ['44000', '44100', '44300']],
      ['Strasbourg', ['67000', '67100']],
      ['Nice', ['06000', '06100', '06300']],
      ['Rennes', ['35000', '35700']],
      ['Montpellier', ['34000', '34070']],
      ['Grenoble', ['38000', '38100']],
      ['Boulogne-Billancourt', ['92100']],
      ['Versailles', ['78000']],
      ['Saint-Denis', ['93200']],
      ['Tours', ['37000', '37100']],
    ],
    streets: [
      'rue de la République', 'avenue Jean Jaurès', 'boulevard Voltaire', 'rue Victor Hugo', 'rue des Lilas',
      'place de la Mairie', 'allée des Tilleuls', 'rue du Faubourg Saint-Antoine', 'avenue de la Gare',
      'rue Pasteur', 'impasse des Acacias', 'quai de la Loire', 'rue La Fayette', 'chemin du Moulin',
      'rue Émile Zola', 'cours Gambetta',
    ],
    streetLine: (n, street) => `${n} ${street}`,
    emailDomains: [
      ['gmail.com', 35], ['orange.fr', 12], ['hotmail.fr', 10], ['free.fr', 8], ['yahoo.fr', 6], ['laposte.net', 5],
      ['outlook.fr', 5], ['icloud.com', 5], ['sfr.fr', 4], ['hotmail.com', 4], ['wanadoo.fr', 3],
    ],
    // Mobiles 06 and 07 in the ranges libphonenumber knows as allocated.
    phone: {
      cc: '33',
      groups: FR_GROUPS,
      trunk: true,
      mobile: (rng) => (rng.chance(0.75) ? `6${rng.pick(['0', '1', '2', '4', '5', '6', '7', '8'])}` : `7${rng.int(3, 9)}`) + rng.digits(7),
      national: (nsn) => `0${groupDigits(nsn, FR_GROUPS, ' ')}`,
    },
  },
  GB: {
    weight: 0.03,
    languages: [['en', 1]],
    written: [['United Kingdom', 45], ['UK', 30], ['GB', 15], ['England', 10]],
    firstNames: ['Oliver', 'George', 'Harry', 'Jack', 'James', 'Charlotte', 'Olivia', 'Amelia', 'Emily', 'Sophie'],
    lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thompson', "O'Brien", 'Patel'],
    cities: [
      ['London', ['EC1V 9HX', 'SW11 4NJ', 'N1 9GU', 'E2 8AA']],
      ['Manchester', ['M1 1AE', 'M4 6FA']],
      ['Edinburgh', ['EH1 1YZ', 'EH3 9DR']],
    ],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Avenue'],
    streetLine: (n, street) => `${n} ${street}`,
    emailDomains: [['gmail.com', 40], ['outlook.com', 20], ['btinternet.com', 15], ['yahoo.co.uk', 15], ['icloud.com', 10]],
    // 074xx but 0745x: the other mobile ranges hold Jersey, Guernsey and Isle of Man blocks.
    phone: {
      cc: '44',
      groups: [4, 6],
      trunk: true,
      mobile: (rng) => `74${rng.pick(['0', '1', '2', '3', '4', '6', '7', '8', '9'])}${rng.digits(7)}`,
      national: (nsn) => `0${groupDigits(nsn, [4, 6], ' ')}`,
    },
  },
  DE: {
    weight: 0.03,
    languages: [['de', 1]],
    written: [['Germany', 40], ['Deutschland', 35], ['DE', 25]],
    firstNames: ['Lukas', 'Leon', 'Felix', 'Jonas', 'Maximilian', 'Hannah', 'Lena', 'Mia', 'Anna', 'Sophie'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann'],
    cities: [
      ['Berlin', ['10115', '10245', '10437']],
      ['München', ['80331', '80469']],
      ['Hamburg', ['20095', '22767']],
      ['Köln', ['50667']],
    ],
    streets: ['Hauptstraße', 'Schillerstraße', 'Bahnhofstraße', 'Gartenweg', 'Lindenallee'],
    streetLine: (n, street) => `${street} ${n}`,
    emailDomains: [['gmx.de', 30], ['web.de', 25], ['t-online.de', 15], ['gmail.com', 30]],
    phone: { cc: '49', groups: [3, 8], trunk: true, mobile: (rng) => `17${rng.digits(9)}`, national: (nsn) => `0${groupDigits(nsn, [3, 8], ' ')}` },
  },
  BE: {
    weight: 0.03,
    languages: [['fr', 60], ['nl', 40]],
    written: [['Belgique', 40], ['Belgium', 30], ['BE', 20], ['België', 10]],
    firstNames: ['Lucas', 'Louis', 'Noah', 'Arthur', 'Lars', 'Emma', 'Olivia', 'Louise', 'Elise', 'Marie'],
    lastNames: ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Dubois', 'Lambert'],
    cities: [
      ['Bruxelles', ['1000', '1050', '1060']],
      ['Antwerpen', ['2000', '2018']],
      ['Liège', ['4000']],
      ['Gent', ['9000']],
    ],
    streets: ['Rue Royale', 'Chaussée de Waterloo', 'Kerkstraat', 'Avenue Louise', 'Stationsstraat'],
    streetLine: (n, street) => `${street} ${n}`,
    emailDomains: [['gmail.com', 40], ['skynet.be', 20], ['telenet.be', 20], ['hotmail.com', 20]],
    phone: { cc: '32', groups: [3, 2, 2, 2], trunk: true, mobile: (rng) => `4${rng.int(6, 9)}${rng.digits(7)}`, national: (nsn) => `0${groupDigits(nsn, [3, 2, 2, 2], ' ')}` },
  },
  ES: {
    weight: 0.02,
    languages: [['es', 1]],
    written: [['España', 40], ['Spain', 35], ['ES', 25]],
    firstNames: ['Hugo', 'Martín', 'Lucas', 'Daniel', 'Pablo', 'Lucía', 'Sofía', 'María', 'Martina', 'Carmen'],
    lastNames: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Ruiz'],
    cities: [
      ['Madrid', ['28001', '28004', '28012']],
      ['Barcelona', ['08001', '08012']],
      ['Valencia', ['46001']],
      ['Sevilla', ['41001']],
    ],
    streets: ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Avenida de América', 'Calle del Sol'],
    streetLine: (n, street) => `${street}, ${n}`,
    emailDomains: [['gmail.com', 45], ['hotmail.es', 25], ['yahoo.es', 15], ['outlook.es', 15]],
    phone: { cc: '34', groups: [3, 3, 3], trunk: false, mobile: (rng) => `6${rng.digits(8)}`, national: (nsn) => groupDigits(nsn, [3, 3, 3], ' ') },
  },
  IT: {
    weight: 0.01,
    languages: [['it', 1]],
    written: [['Italia', 45], ['Italy', 30], ['IT', 25]],
    firstNames: ['Francesco', 'Alessandro', 'Lorenzo', 'Matteo', 'Leonardo', 'Giulia', 'Sofia', 'Aurora', 'Alice', 'Chiara'],
    lastNames: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'De Luca'],
    cities: [
      ['Milano', ['20121', '20135']],
      ['Roma', ['00184', '00198']],
      ['Torino', ['10121']],
      ['Firenze', ['50122']],
    ],
    streets: ['Via Roma', 'Via Garibaldi', 'Corso Vittorio Emanuele', 'Via Dante', 'Piazza della Repubblica'],
    streetLine: (n, street) => `${street} ${n}`,
    emailDomains: [['gmail.com', 40], ['libero.it', 25], ['hotmail.it', 15], ['yahoo.it', 10], ['outlook.it', 10]],
    // Mobiles 3xx and ten digits; Italians write them without a trunk prefix (landlines keep their 0).
    phone: {
      cc: '39',
      groups: [3, 7],
      trunk: false,
      mobile: (rng) => `3${rng.pick(['20', '23', '28', '29', '33', '34', '35', '38', '39', '40', '45', '47', '48', '49'])}${rng.digits(7)}`,
      national: (nsn) => groupDigits(nsn, [3, 7], ' '),
    },
  },
  US: {
    weight: 0.01,
    languages: [['en', 1]],
    written: [['United States', 40], ['USA', 35], ['US', 25]],
    firstNames: ['Liam', 'Noah', 'Ethan', 'Mason', 'Michael', 'Emma', 'Ava', 'Olivia', 'Madison', 'Harper'],
    lastNames: ['Johnson', 'Miller', 'Davis', 'Anderson', 'Taylor', 'Thomas', 'Moore', 'Jackson', 'White', 'Harris'],
    cities: [
      ['New York', ['10001', '10013']],
      ['Boston', ['02108']],
      ['Chicago', ['60601']],
      ['San Francisco', ['94103']],
    ],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Fifth Avenue', 'Elm Street'],
    streetLine: (n, street) => `${n} ${street}`,
    emailDomains: [['gmail.com', 45], ['yahoo.com', 20], ['outlook.com', 15], ['icloud.com', 15], ['aol.com', 5]],
    phone: {
      cc: '1',
      groups: [3, 3, 4],
      trunk: false,
      mobile: (rng) => `${rng.pick(['212', '415', '617', '312', '206'])}${rng.int(2, 8)}${rng.digits(6)}`,
      national: (nsn) => `(${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`,
    },
  },
  // French-speaking Canadians mostly: Québec is a large market for a French retailer's site.
  CA: {
    weight: 0.01,
    languages: [['fr', 75], ['en', 25]],
    written: [['Canada', 60], ['CA', 25], ['CANADA', 15]],
    firstNames: ['Félix', 'William', 'Samuel', 'Olivier', 'Émile', 'Léa', 'Florence', 'Alice', 'Charlotte', 'Rosalie'],
    lastNames: ['Tremblay', 'Gagnon', 'Roy', 'Côté', 'Bouchard', 'Gauthier', 'Morin', 'Lavoie', 'Fortin', 'Gagné'],
    cities: [
      ['Montréal', ['H2X 1Y4', 'H3B 2Y5', 'H2J 3K5']],
      ['Québec', ['G1R 4P5', 'G1K 3A9']],
      ['Toronto', ['M5V 2T6']],
    ],
    streets: ['rue Sainte-Catherine', 'boulevard Saint-Laurent', 'rue Sherbrooke', 'avenue du Parc', 'Queen Street'],
    streetLine: (n, street) => `${n} ${street}`,
    emailDomains: [['gmail.com', 40], ['hotmail.com', 20], ['videotron.ca', 15], ['outlook.com', 10], ['icloud.com', 10], ['yahoo.ca', 5]],
    phone: {
      cc: '1',
      groups: [3, 3, 4],
      trunk: false,
      mobile: (rng) => `${rng.pick(['514', '438', '418', '450', '416'])}${rng.int(2, 8)}${rng.digits(6)}`,
      national: (nsn) => `(${nsn.slice(0, 3)}) ${nsn.slice(3, 6)}-${nsn.slice(6)}`,
    },
  },
};

/**
 * The country a CRM `country` field names, as the generator writes them (`Italia`, `UK`,
 * `Deutschland`...), or undefined. For tests and readers of a generated population.
 */
export function writtenCountryCode(text: string | null): string | undefined {
  if (text === null) return undefined;
  return (Object.keys(COUNTRIES) as Country[]).find((c) => COUNTRIES[c].written.some(([w]) => w === text));
}

const COUNTRY_WEIGHTS = (Object.keys(COUNTRIES) as Country[]).map((c) => [c, COUNTRIES[c].weight] as const);

interface Store {
  code: string;
  name: string;
  city: string;
}

const STORES: readonly Store[] = [
  { code: 'PAR01', name: 'Paris Rivoli', city: 'Paris' },
  { code: 'PAR02', name: 'Paris Haussmann', city: 'Paris' },
  { code: 'LYO01', name: 'Lyon Part-Dieu', city: 'Lyon' },
  { code: 'MRS01', name: 'Marseille Terrasses du Port', city: 'Marseille' },
  { code: 'BOD01', name: 'Bordeaux Sainte-Catherine', city: 'Bordeaux' },
  { code: 'LIL01', name: 'Lille Euralille', city: 'Lille' },
  { code: 'TLS01', name: 'Toulouse Wilson', city: 'Toulouse' },
  { code: 'NTE01', name: 'Nantes Atlantis', city: 'Nantes' },
  { code: 'SXB01', name: 'Strasbourg Kléber', city: 'Strasbourg' },
  { code: 'NCE01', name: 'Nice Masséna', city: 'Nice' },
];

// ---------------------------------------------------------------------------------------------
// Catalog: one product list that the shop sells online, the stores sell at the till and the
// site shows, so that a person's purchases and product views speak of the same things.

interface CategorySpec {
  type: string;
  code: string;
  label: string;
  euros: readonly [number, number];
  nouns: readonly string[];
  variants: readonly string[];
  vendors: readonly string[];
}

const COLORS = [
  'noir', 'blanc', 'bleu marine', 'camel', 'écru', 'kaki', 'bordeaux', 'gris chiné', 'rouge', 'vert sapin', 'beige', 'rose poudré',
] as const;
const HOUSE_BRANDS = ['Maison Cassel', 'Atelier Nord', 'Rivage'] as const;

const CATEGORIES: readonly CategorySpec[] = [
  { type: 'shoes', code: 'SHO', label: 'Chaussures', euros: [49, 189], nouns: ['Baskets', 'Bottines', 'Mocassins', 'Sandales', 'Derbies', 'Escarpins', 'Espadrilles'], variants: COLORS, vendors: ['Sabots & Co', ...HOUSE_BRANDS] },
  { type: 'outerwear', code: 'OUT', label: 'Manteaux et vestes', euros: [79, 349], nouns: ['Trench', 'Parka', 'Caban', 'Doudoune', 'Veste en jean', 'Blazer', 'Imperméable'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'tops', code: 'TOP', label: 'Hauts', euros: [19, 99], nouns: ['T-shirt', 'Chemise', 'Pull', 'Sweat', 'Blouse', 'Polo', 'Cardigan', 'Débardeur'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'trousers', code: 'TRO', label: 'Pantalons', euros: [39, 129], nouns: ['Jean droit', 'Jean slim', 'Chino', 'Pantalon large', 'Pantalon cargo', 'Short'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'accessories', code: 'ACC', label: 'Accessoires', euros: [15, 149], nouns: ['Sac cabas', 'Ceinture', 'Écharpe', 'Bonnet', 'Portefeuille', 'Casquette', 'Foulard'], variants: COLORS, vendors: ['Les Tisserands', ...HOUSE_BRANDS] },
  { type: 'beauty', code: 'BEA', label: 'Beauté', euros: [12, 89], nouns: ['Eau de parfum', 'Crème mains', 'Baume à lèvres', 'Huile sèche', 'Savon', 'Sérum visage'], variants: ["fleur d'oranger", 'figue', 'vétiver', 'rose', 'lavande', 'ambre', 'thé vert', 'néroli'], vendors: ['Bastide Beauté', 'Officine Cassel'] },
  { type: 'home', code: 'HOM', label: 'Maison', euros: [9, 119], nouns: ['Bougie parfumée', 'Plaid', 'Coussin', 'Mug', 'Vase', 'Nappe', 'Serviette de bain'], variants: COLORS, vendors: ['Cassel Maison', 'Les Tisserands'] },
  { type: 'kids', code: 'KID', label: 'Enfant', euros: [9, 59], nouns: ['Body bébé', 'Pyjama enfant', 'Baskets enfant', 'Sweat enfant', 'Robe fille', 'Salopette'], variants: COLORS, vendors: ['Petit Cassel'] },
];

interface CatalogItem {
  productId: number;
  sku: string;
  title: string;
  handle: string;
  category: string;
  vendor: string;
  /** Unit price in euro cents: integers keep sums exact. */
  priceCents: number;
}

/** ASCII, lower case, words joined by `sep`: for emails and URL handles. */
function slug(text: string, sep: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}|\\${sep}$`, 'g'), '');
}

function makeCatalog(rng: Random): CatalogItem[] {
  const combos = CATEGORIES.flatMap((category) =>
    category.nouns.flatMap((noun) => category.variants.map((variant) => ({ category, title: `${noun} ${variant}` }))),
  );
  const chosen = rng.shuffle(combos).slice(0, rng.int(150, 300));
  let productId = 8_100_000_000_000;
  return chosen.map(({ category, title }, i) => {
    productId += rng.int(1, 5_000);
    const [lo, hi] = category.euros;
    return {
      productId,
      sku: `${category.code}-${String(10_000 + i * 7 + rng.int(0, 6))}`,
      title,
      handle: slug(title, '-'),
      category: category.type,
      vendor: rng.pick(category.vendors),
      priceCents: rng.int(lo, hi) * 100 + rng.pick([0, 90, 50, 95]),
    };
  });
}

function cents(value: number): string {
  return (value / 100).toFixed(2);
}

// ---------------------------------------------------------------------------------------------
// People.

interface Address {
  street: string;
  zip: string;
  city: string;
  country: Country;
}

interface Person {
  index: number;
  /** `p-<n>`, from 1. */
  id: string;
  country: Country;
  language: string;
  firstName: string;
  lastName: string;
  /** The person's main email, clean: lower case, no spaces. Unique. */
  email: string;
  /** A second address the person also uses (a new one, a work one). Unique. */
  altEmail: string;
  /** E.164. Unique. */
  mobile: string;
  /** E.164; the same for every member of a household. */
  landline: string | null;
  household: string | null;
  /**
   * Signed up with the household line only, no email (the son of a US or Canadian household,
   * {@link RATES.nanpHousehold}): a loyalty member and nothing else.
   */
  lineOnly: boolean;
  birthDate: string;
  address: Address;
  homeStore: Store;
  /** When the person first dealt with the retailer (unix seconds): no record of theirs is older. */
  since: number;
  silos: Record<SourceName, boolean>;
}

interface HouseholdShare {
  id: string;
  landline: string;
  address: Address;
  lastName: string;
  /** First names already given in the household: a family does not give one twice. */
  firstNames: Set<string>;
}

/** Draws values until one is not yet taken: emails and phones must not collide between persons. */
function unique(seen: Set<string>, make: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    const value = make(attempt);
    if (!seen.has(value)) {
      seen.add(value);
      return value;
    }
  }
}

function emailLocal(rng: Random, first: string, last: string, birthYear: number, attempt: number): string {
  const f = slug(first, '');
  const l = slug(last, '');
  const base = rng.weighted<string>([
    [`${f}.${l}`, 40],
    [`${f}${l}`, 15],
    [`${f.charAt(0)}${l}`, 15],
    [`${f}.${l}${String(birthYear).slice(2)}`, 12],
    [`${l}.${f}`, 8],
    [`${f}_${l}`, 5],
    [`${f}${birthYear}`, 5],
  ]);
  return attempt === 0 ? base : `${base}${rng.int(1, 999)}`;
}

/**
 * A new address, unique as a mailbox: `seen` holds canonical mailboxes, since Gmail delivers
 * `clemence.faure@gmail.com` and `clemencefaure@gmail.com` to one person.
 */
function makeEmail(rng: Random, seen: Set<string>, profile: CountryProfile, first: string, last: string, birthYear: number): string {
  for (let attempt = 0; ; attempt++) {
    const email = `${emailLocal(rng, first, last, birthYear, attempt)}@${rng.weighted(profile.emailDomains)}`;
    const mailbox = canonicalMailbox(email);
    if (!seen.has(mailbox)) {
      seen.add(mailbox);
      return email;
    }
  }
}

/** A French landline, in the geographic ranges libphonenumber knows (not 026x Réunion, 040x, 059x). */
function frenchLandline(rng: Random, seen: Set<string>): string {
  return unique(seen, () => `+33${rng.int(1, 5)}${rng.pick(['1', '2', '3', '4', '5', '7', '8'])}${rng.digits(7)}`);
}

function makeAddress(rng: Random, country: Country): Address {
  const profile = COUNTRIES[country];
  const [city, zips] = rng.pick(profile.cities);
  return { street: profile.streetLine(rng.int(1, 180), rng.pick(profile.streets)), zip: rng.pick(zips), city, country };
}

function homeStoreFor(rng: Random, address: Address): Store {
  const local = STORES.filter((s) => s.city === address.city);
  return local.length > 0 && rng.chance(0.9) ? rng.pick(local) : rng.pick(STORES);
}

/**
 * Which silos know a person. Online shoppers are in commerce, and nearly all are tracked by
 * analytics once they log in. Analytics visitors without an account can never be tied to anyone,
 * so they are anonymous visitors known to analytics only. The rest shop in stores: CRM and/or
 * loyalty. `offline` (household members) requires CRM or loyalty, where their landline lives.
 */
function pickSilos(rng: Random, offline: boolean): Record<SourceName, boolean> {
  for (;;) {
    const r = rng.next();
    let silos: Record<SourceName, boolean>;
    if (r < RATES.onlineShopper) {
      silos = {
        crm: rng.chance(RATES.onlineShopperInCrm),
        loyalty: rng.chance(RATES.onlineShopperInLoyalty),
        commerce: true,
        analytics: rng.chance(RATES.onlineShopperTracked),
      };
    } else if (r < RATES.onlineShopper + RATES.anonymousVisitor) {
      silos = { crm: false, loyalty: false, commerce: false, analytics: true };
    } else {
      const kind = rng.weighted<'both' | 'crm' | 'loyalty'>([
        ['both', RATES.inStoreBoth],
        ['crm', RATES.inStoreCrmOnly],
        ['loyalty', 1 - RATES.inStoreBoth - RATES.inStoreCrmOnly],
      ]);
      silos = { crm: kind !== 'loyalty', loyalty: kind !== 'crm', commerce: false, analytics: false };
    }
    if (!offline || silos.crm || silos.loyalty) return silos;
  }
}

interface PeopleState {
  emails: Set<string>;
  phones: Set<string>;
}

function makePerson(rng: Random, index: number, clock: Clock, state: PeopleState, household: HouseholdShare | null, forced?: Country): Person {
  const country: Country = household ? 'FR' : (forced ?? rng.weighted(COUNTRY_WEIGHTS));
  const profile = COUNTRIES[country];
  const firstName = household ? unique(household.firstNames, () => rng.pick(profile.firstNames)) : rng.pick(profile.firstNames);
  const lastName = household?.lastName ?? rng.pick(profile.lastNames);
  const birthSec = clock.now - rng.int(18 * 365, 80 * 365) * DAY;
  const birthDate = iso(birthSec).slice(0, 10);
  const birthYear = Number(birthDate.slice(0, 4));
  const address = household?.address ?? makeAddress(rng, country);
  return {
    index,
    id: `p-${index + 1}`,
    country,
    language: rng.weighted(profile.languages),
    firstName,
    lastName,
    email: makeEmail(rng, state.emails, profile, firstName, lastName, birthYear),
    altEmail: makeEmail(rng, state.emails, profile, firstName, lastName, birthYear),
    mobile: unique(state.phones, () => `+${profile.phone.cc}${profile.phone.mobile(rng)}`),
    landline: household?.landline ?? (country === 'FR' && rng.chance(RATES.ownLandline) ? frenchLandline(rng, state.phones) : null),
    household: household?.id ?? null,
    lineOnly: false,
    birthDate,
    address,
    homeStore: homeStoreFor(rng, address),
    since: randomSec(rng, clock.start, clock.now - DAY),
    silos: pickSilos(rng, household !== null),
  };
}

const HOUSEHOLD_SIZES = [[2, 55], [3, 30], [4, 15]] as const;
const MEAN_HOUSEHOLD = HOUSEHOLD_SIZES.reduce((s, [n, w]) => s + n * w, 0) / HOUSEHOLD_SIZES.reduce((s, [, w]) => s + w, 0);
/** Chance that the next person starts a household, so that {@link RATES.household} of persons live in one. */
const HOUSEHOLD_START = RATES.household / (MEAN_HOUSEHOLD - RATES.household * (MEAN_HOUSEHOLD - 1));

function makePeople(rng: Random, size: number, clock: Clock): Person[] {
  const state: PeopleState = { emails: new Set(), phones: new Set() };
  const people: Person[] = [];
  let households = 0;
  while (people.length < size) {
    const room = size - people.length;
    if (room >= 2 && rng.chance(HOUSEHOLD_START)) {
      const members = Math.min(room, rng.weighted(HOUSEHOLD_SIZES));
      const address = makeAddress(rng, 'FR');
      const share: HouseholdShare = {
        id: `h-${++households}`,
        landline: frenchLandline(rng, state.phones),
        address,
        lastName: rng.pick(FRENCH_LAST),
        firstNames: new Set(),
      };
      for (let m = 0; m < members; m++) {
        // Flatmates and blended families do not all share a last name.
        const own = rng.chance(0.3) ? { ...share, lastName: rng.pick(FRENCH_LAST) } : share;
        people.push(makePerson(rng, people.length, clock, state, own));
      }
    } else {
      const person = makePerson(rng, people.length, clock, state, null);
      if (NANP.has(person.country) && person.silos.crm && room >= 2 && rng.chance(RATES.nanpHousehold)) {
        people.push(...nanpHousehold(rng, person, clock, state, `h-${++households}`));
      } else {
        people.push(person);
      }
    }
  }
  return people;
}

/**
 * A US or Canadian father whose CRM contact holds the household line, and his son of the same
 * first and last name, at the same address, who signed up for a loyalty card at the till with
 * that line and no email: two persons that only the line and the name relate. A NANP number does
 * not tell a landline from a mobile, so nothing but the line could tell the gateway they differ.
 */
function nanpHousehold(rng: Random, father: Person, clock: Clock, state: PeopleState, id: string): Person[] {
  const plan = COUNTRIES[father.country].phone;
  const line = unique(state.phones, () => `+${plan.cc}${plan.mobile(rng)}`);
  const son = makePerson(rng, father.index + 1, clock, state, null, father.country);
  return [
    { ...father, landline: line, household: id },
    {
      ...son,
      firstName: father.firstName,
      lastName: father.lastName,
      address: father.address,
      homeStore: father.homeStore,
      landline: line,
      household: id,
      lineOnly: true,
      silos: { crm: false, loyalty: true, commerce: false, analytics: false },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Mess shared by the silos: how people and clerks type emails and phones.

/** The clean email written differently: capitalized, shouted, or with stray spaces from a copy-paste. */
function emailVariant(rng: Random, email: string, spaces: boolean): string {
  const at = email.indexOf('@');
  const capitalized =
    email.slice(0, at).replace(/(^|[._-])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase()) +
    '@' +
    email.charAt(at + 1).toUpperCase() +
    email.slice(at + 2);
  const styles: Array<readonly [() => string, number]> = [
    [() => capitalized, 45],
    [() => email.slice(0, at).toUpperCase() + email.slice(at), 15],
    [() => email.toUpperCase(), 10],
  ];
  if (spaces) {
    styles.push([() => ` ${email} `, 10], [() => `${email} `, 10], [() => ` ${capitalized}`, 10]);
  }
  return rng.weighted(styles)();
}

/** The email as a silo stores it: {@link RATES.emailVariant} of the time not quite the clean one. */
function storedEmail(rng: Random, email: string, spaces: boolean): string {
  return rng.chance(RATES.emailVariant) ? emailVariant(rng, email, spaces) : email;
}

type EmailSilo = 'crm' | 'loyalty' | 'commerce';

/**
 * The person's own email as a silo stores it at sign-up: the same mailbox written differently
 * now and then. Gmail's dots moved ({@link RATES.gmailDots}) anywhere; in the shop a `+tag`
 * ({@link RATES.plusTagEmail}, online sign-ups); in the CRM and loyalty, which store what they
 * get, a trailing dot after the domain ({@link RATES.trailingDotEmail}) and an invisible
 * character ({@link RATES.invisibleInEmail}) in loyalty only (HubSpot validates addresses); then
 * case and spaces as {@link storedEmail}.
 */
function ownEmail(rng: Random, email: string, silo: EmailSilo): string {
  let mailbox = email;
  if (isGmail(mailbox) && rng.chance(RATES.gmailDots)) mailbox = withGmailDots(rng, mailbox);
  if (silo === 'commerce') {
    if (takesPlusTag(mailbox) && rng.chance(RATES.plusTagEmail)) mailbox = withPlusTag(rng, mailbox);
    return storedEmail(rng, mailbox, false);
  }
  // HubSpot validates an address on every create and update (developers.hubspot.com/docs/faq/
  // how-does-hubspot-validate-email-addresses), so only Open Loyalty, which stores what the
  // till sends, holds these spellings. The CRM draws them too and drops them, so that the rest
  // of a seed's population stays what it was.
  const stores = silo === 'loyalty';
  if (rng.chance(RATES.trailingDotEmail) && stores) mailbox = withTrailingDot(mailbox);
  const stored = storedEmail(rng, mailbox, true);
  if (!rng.chance(RATES.invisibleInEmail)) return stored;
  const invisible = withInvisible(rng, stored);
  return stores ? invisible : stored;
}

/**
 * A record's first and last names as typed: in decomposed Unicode ({@link RATES.decomposedName},
 * when they have accents) in any silo, and in the CRM and loyalty ({@link RATES.invisibleInName})
 * one of them with an invisible character from a copy-paste.
 */
function typedNames(rng: Random, first: string, last: string, invisible: boolean): [string, string] {
  let names: [string, string] = [first, last];
  const nfd: [string | null, string | null] = [decomposed(first), decomposed(last)];
  if ((nfd[0] !== null || nfd[1] !== null) && rng.chance(RATES.decomposedName)) names = [nfd[0] ?? first, nfd[1] ?? last];
  if (invisible && rng.chance(RATES.invisibleInName)) {
    const which = rng.chance(0.5) ? 0 : 1;
    names[which] = withInvisible(rng, names[which]);
  }
  return names;
}

/** The same address written differently from `other`, for the second record of a duplicate pair. */
function otherSpelling(rng: Random, email: string, other: string): string {
  for (let i = 0; i < 4; i++) {
    const candidate = rng.chance(0.3) ? email : emailVariant(rng, email, true);
    if (candidate !== other) return candidate;
  }
  return other === email ? ` ${email}` : email;
}

function groupDigits(digits: string, groups: readonly number[], sep: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  return parts.filter((p) => p.length > 0).join(sep);
}

/**
 * A phone as someone typed it into HubSpot's free-text field. French numbers come in every
 * national and international habit; foreign ones in international form, or with `national`
 * ({@link RATES.nationalForeignPhone}) as the customer dictated them, in their country's national
 * format (the contact's country is then written, see {@link crmDraft}). Now and then the
 * international number without its `+` ({@link RATES.phoneWithoutPlus}).
 */
function crmPhoneText(rng: Random, e164: string, country: Country, national = true): string {
  const plan = COUNTRIES[country].phone;
  const nsn = e164.slice(1 + plan.cc.length);
  if (rng.chance(RATES.phoneWithoutPlus)) return `${plan.cc}${nsn}`;
  if (country !== 'FR' && national && rng.chance(RATES.nationalForeignPhone)) return plan.national(nsn);
  const intl = `+${plan.cc} ${groupDigits(nsn, plan.groups, ' ')}`;
  const formats: Array<readonly [() => string, number]> = [
    [() => intl, 30],
    [() => e164, 30],
    [() => `00${plan.cc}${nsn}`, 10],
    [() => `00${plan.cc} ${nsn}`, 5],
  ];
  if (plan.trunk) formats.push([() => `+${plan.cc} (0)${groupDigits(nsn, plan.groups, ' ')}`, 5]);
  if (country === 'FR') {
    formats.push(
      [() => `0${groupDigits(nsn, FR_GROUPS, ' ')}`, 100],
      [() => `0${nsn}`, 45],
      [() => `0${groupDigits(nsn, FR_GROUPS, '.')}`, 25],
      [() => `(0)${groupDigits(nsn, FR_GROUPS, ' ')}`, 10],
      [() => `0${groupDigits(nsn, FR_GROUPS, '-')}`, 5],
    );
  }
  return rng.weighted(formats)();
}

// ---------------------------------------------------------------------------------------------
// CRM: HubSpot contacts.

type CrmIdentity = Pick<HubSpotContactProperties, 'email' | 'phone' | 'mobilephone' | 'hs_additional_emails'>;

interface CrmDraft {
  person: Person;
  created: number;
  updated: number;
  properties: Omit<HubSpotContactProperties, 'hs_merged_object_ids' | 'createdate' | 'lastmodifieddate'>;
}

/** Where a person's numbers go in HubSpot: a landline in `phone`, a mobile in either field. */
function crmPhoneFields(rng: Random, person: Person): Pick<CrmIdentity, 'phone' | 'mobilephone'> {
  const mobile = crmPhoneText(rng, person.mobile, person.country);
  if (person.landline !== null && (person.household !== null || rng.chance(0.7))) {
    return { phone: crmPhoneText(rng, person.landline, person.country), mobilephone: rng.chance(0.6) ? mobile : null };
  }
  return rng.weighted<Pick<CrmIdentity, 'phone' | 'mobilephone'>>([
    [{ phone: mobile, mobilephone: null }, 55],
    [{ phone: null, mobilephone: mobile }, 30],
    [{ phone: null, mobilephone: null }, 15],
  ]);
}

/**
 * Placeholders typed to get past a required field, and contacts created at the till without an
 * email. A household's landline is never overwritten: it is what the household case is about.
 */
function messCrmIdentity(rng: Random, person: Person, identity: CrmIdentity): CrmIdentity {
  // US and Canadian phones link nothing: their contacts always keep the email.
  const emailGoes = phoneLinks(person);
  if (rng.chance(RATES.placeholder)) {
    return emailGoes && (rng.chance(0.6) || person.household !== null)
      ? { ...identity, email: placeholderEmail(rng, RETAILER.domain, person.language) }
      : { ...identity, phone: rng.pick(PLACEHOLDER_PHONES) };
  }
  if (emailGoes && (identity.phone !== null || identity.mobilephone !== null) && rng.chance(0.05)) return { ...identity, email: null };
  return identity;
}

/** Whether a CRM phone text of a foreign person can only be read in their country (no `+`, no `00`). */
function needsCountry(person: Person, identity: Pick<CrmIdentity, 'phone' | 'mobilephone'>): boolean {
  return person.country !== 'FR' && [identity.phone, identity.mobilephone].some((t) => t !== null && !/^(\+|00)/.test(t) && !PLACEHOLDER_PHONES.includes(t));
}

function crmDraft(rng: Random, person: Person, clock: Clock, created: number, identity: CrmIdentity): CrmDraft {
  const hasAddress = rng.chance(0.6);
  const [firstname, lastname] = typedNames(rng, person.firstName, rng.chance(0.1) ? person.lastName.toUpperCase() : person.lastName, true);
  const country = rng.weighted(COUNTRIES[person.country].written);
  return {
    person,
    created,
    updated: randomSec(rng, created, clock.now),
    properties: {
      email: identity.email,
      firstname,
      // French clerks often type the family name in capitals (above).
      lastname,
      phone: identity.phone,
      mobilephone: identity.mobilephone,
      hs_additional_emails: identity.hs_additional_emails,
      date_of_birth: rng.chance(0.4) ? person.birthDate : null,
      hs_language: rng.chance(0.85) ? person.language : null,
      address: hasAddress ? person.address.street : null,
      city: hasAddress ? person.address.city : null,
      zip: hasAddress ? person.address.zip : null,
      // A foreign number typed nationally comes with the customer's country: it is read in it.
      country: hasAddress || needsCountry(person, identity) ? country : null,
      hs_email_optout: rng.weighted<string | null>([['false', 80], ['true', 10], [null, 10]]),
    },
  };
}

/**
 * Two contacts for one person: the same email typed twice (differing in case or spaces), or one
 * contact from the web with the email and one from a store with the phone, to which someone later
 * added the email as an additional one.
 */
function duplicateCrmContacts(rng: Random, person: Person, clock: Clock, created: number, phones: Pick<CrmIdentity, 'phone' | 'mobilephone'>): CrmDraft[] {
  const later = randomSec(rng, created, clock.now);
  const email = ownEmail(rng, person.email, 'crm');
  if (rng.chance(0.55)) {
    return [
      crmDraft(rng, person, clock, created, { email, ...phones, hs_additional_emails: null }),
      crmDraft(rng, person, clock, later, { email: otherSpelling(rng, person.email, email), phone: null, mobilephone: null, hs_additional_emails: null }),
    ];
  }
  const mobile = crmPhoneText(rng, person.mobile, person.country);
  const phoneOnly = rng.chance(0.5) ? { phone: mobile, mobilephone: null } : { phone: null, mobilephone: mobile };
  return [
    // A household member's web contact still carries the home line.
    crmDraft(rng, person, clock, created, { email, phone: person.household !== null ? phones.phone : null, mobilephone: null, hs_additional_emails: null }),
    crmDraft(rng, person, clock, later, {
      email: rng.chance(0.5) ? person.altEmail : null,
      ...phoneOnly,
      hs_additional_emails: storedEmail(rng, person.email, true),
    }),
  ];
}

function crmDraftsFor(rng: Random, person: Person, clock: Clock): CrmDraft[] {
  const created = randomSec(rng, person.since, clock.now);
  const phones = crmPhoneFields(rng, person);
  if (rng.chance(RATES.crmDuplicate)) return duplicateCrmContacts(rng, person, clock, created, phones);
  const identity = messCrmIdentity(rng, person, { email: ownEmail(rng, person.email, 'crm'), ...phones, hs_additional_emails: null });
  return [crmDraft(rng, person, clock, created, identity)];
}

/** Records of one silo in output order, each with the person it belongs to, for the truth. */
interface Owned<T> {
  silo: T;
  owners: Array<{ person: number; id: string }>;
}

function byCreation<T extends { created: number }>(drafts: readonly T[]): T[] {
  // Stable sort: equal seconds keep the order persons were drawn in.
  return drafts.slice().sort((a, b) => a.created - b.created);
}

/**
 * HubSpot ids grow with creation, with gaps where contacts were deleted. A merged contact's id
 * was taken when it was created, before its survivor's; it now names no live contact.
 */
function assignCrmIds(rng: Random, drafts: readonly CrmDraft[]): Owned<CrmSilo> {
  let last = 100;
  const nextId = (): number => (last += rng.chance(0.85) ? 1 : rng.int(2, 6));
  const contacts: HubSpotContact[] = [];
  const owners: Owned<CrmSilo>['owners'] = [];
  for (const draft of byCreation(drafts)) {
    const merged = rng.chance(RATES.crmMerged) ? Array.from({ length: rng.chance(0.8) ? 1 : 2 }, nextId) : [];
    const id = String(nextId());
    const { properties } = draft;
    // HubSpot keeps a merged contact's email as an additional one of the survivor.
    const additional = merged.length > 0 && properties.hs_additional_emails === null && rng.chance(0.4) ? draft.person.altEmail : properties.hs_additional_emails;
    contacts.push({
      id,
      properties: {
        ...properties,
        hs_additional_emails: additional,
        hs_merged_object_ids: merged.length > 0 ? merged.join(';') : null,
        createdate: iso(draft.created),
        lastmodifieddate: iso(draft.updated),
      },
      createdAt: iso(draft.created),
      updatedAt: iso(draft.updated),
      archived: false,
    });
    owners.push({ person: draft.person.index, id });
  }
  return { silo: { contacts }, owners };
}

function draftCrm(rng: Random, people: readonly Person[], clock: Clock): CrmDraft[] {
  return people.filter((p) => p.silos.crm).flatMap((p) => crmDraftsFor(rng, p, clock));
}

// ---------------------------------------------------------------------------------------------
// Loyalty: Open Loyalty members, levels, POS transactions.

const LEVELS = [['Bronze', 0], ['Silver', 500], ['Gold', 1500], ['Platinum', 4000]] as const;
/** Points every member gets on joining. */
const WELCOME_POINTS = 100;

function makeLevels(rng: Random): OpenLoyaltyLevel[] {
  return LEVELS.map(([name, conditionValue]) => ({ levelId: rng.uuid(), name, conditionValue }));
}

/** The highest level whose threshold the member's lifetime points reach. */
function levelFor(levels: readonly OpenLoyaltyLevel[], earned: number): OpenLoyaltyLevel {
  return levels.reduce((best, level) => (level.conditionValue <= earned ? level : best));
}

/**
 * Email and phone at sign-up. `landlineOnly` marks a household member who shops in stores only and
 * gave the home line and nothing else ({@link RATES.householdLandlineOnly}).
 */
type LoyaltyContact = Pick<OpenLoyaltyMember, 'email' | 'phone'> & { landlineOnly: boolean };

/** Phones are E.164 (Open Loyalty validates them); emails are not. */
function loyaltyContact(rng: Random, person: Person): LoyaltyContact {
  if (person.lineOnly && person.landline !== null) return { email: null, phone: person.landline, landlineOnly: true };
  if (person.household !== null && person.landline !== null && !person.silos.commerce && phoneLinks(person) && rng.chance(RATES.householdLandlineOnly)) {
    return { email: null, phone: person.landline, landlineOnly: true };
  }
  // A household member not in the CRM shows the shared line here, or nowhere: with an email, so
  // that the line is not all that ties this member to the person's other records. US and
  // Canadian phones link nothing: those members always give the email too.
  const lineHere = person.household !== null && !person.silos.crm;
  const email =
    lineHere || !phoneLinks(person)
      ? ownEmail(rng, person.email, 'loyalty')
      : rng.weighted<() => string | null>([
          [() => placeholderEmail(rng, RETAILER.domain, person.language), RATES.placeholder],
          [() => null, 0.04],
          [() => ownEmail(rng, person.email, 'loyalty'), 1 - RATES.placeholder - 0.04],
        ])();
  // Without a real email the clerk signs the member up with the mobile: how the till finds them again.
  if (email === null || isPlaceholderEmail(email)) return { email, phone: person.mobile, landlineOnly: false };
  const landlineShare = lineHere ? 1 : person.household !== null ? 0.5 : 0.15;
  const phone = person.landline !== null && rng.chance(landlineShare) ? person.landline : (rng.chance(0.8) ? person.mobile : null);
  return { email, phone, landlineOnly: false };
}

interface Window {
  from: number;
  to: number;
}

function pickItems(rng: Random, catalog: readonly CatalogItem[]): Array<{ item: CatalogItem; quantity: number }> {
  const lines = rng.weighted([[1, 50], [2, 30], [3, 13], [4, 7]] as const);
  return Array.from({ length: lines }, () => ({ item: rng.pick(catalog), quantity: rng.weighted([[1, 80], [2, 15], [3, 5]] as const) }));
}

function transactionItems(lines: ReadonlyArray<{ item: CatalogItem; quantity: number }>): OpenLoyaltyTransaction['items'] {
  return lines.map(({ item, quantity }) => ({
    sku: { code: item.sku },
    name: item.title,
    quantity,
    grossValue: (item.priceCents * quantity) / 100,
    category: item.category,
    maker: item.vendor,
  }));
}

function sumCents(items: ReadonlyArray<{ grossValue: number }>): number {
  return items.reduce((sum, item) => sum + Math.round(item.grossValue * 100), 0);
}

/** In-store receipts over the window, mostly in the person's home store; some bring an item back. */
function loyaltyTransactions(rng: Random, person: Person, catalog: readonly CatalogItem[], customerId: string, window: Window): OpenLoyaltyTransaction[] {
  const sells: OpenLoyaltyTransaction[] = [];
  return sortedSecs(rng, activityCount(rng, 0.1, 30), window.from, window.to).map((sec) => {
    const bought = sells.length > 0 && rng.chance(RATES.returnAfterPurchase) ? rng.pick(sells) : null;
    let items: OpenLoyaltyTransaction['items'];
    if (bought) {
      const line = rng.pick(bought.items);
      const quantity = rng.int(1, line.quantity);
      items = [{ ...line, quantity, grossValue: (Math.round((line.grossValue * 100) / line.quantity) * quantity) / 100 }];
    } else {
      items = transactionItems(pickItems(rng, catalog));
    }
    const store = rng.chance(0.8) ? person.homeStore : rng.pick(STORES);
    const purchasedAt = iso(sec);
    const tx: OpenLoyaltyTransaction = {
      transactionId: rng.uuid(),
      customerId,
      header: {
        documentNumber: `${store.code}-${purchasedAt.slice(0, 10).replaceAll('-', '')}-${rng.digits(4)}`,
        documentType: bought ? 'return' : 'sell',
        purchasedAt,
        purchasePlace: store.name,
      },
      items,
      grossValue: sumCents(items) / 100,
      currency: RETAILER.currency,
    };
    if (!bought) sells.push(tx);
    return tx;
  });
}

/** Points: a welcome bonus plus one per euro bought, minus one per euro returned. */
function earnedPoints(transactions: readonly OpenLoyaltyTransaction[]): number {
  const net = transactions.reduce((sum, t) => sum + (t.header.documentType === 'sell' ? 1 : -1) * Math.floor(t.grossValue), 0);
  return Math.max(0, WELCOME_POINTS + net);
}

interface MemberDraft {
  person: Person;
  created: number;
  hasCard: boolean;
  member: OpenLoyaltyMember;
  transactions: OpenLoyaltyTransaction[];
  /** Lifetime points, handed on to the new member when a card is reissued. */
  earned: number;
  /** A household member's landline-only sign-up: unlinkable by design, left so by {@link connectRecords}. */
  landlineOnly: boolean;
}

interface LoyaltyWorld {
  catalog: readonly CatalogItem[];
  levels: readonly OpenLoyaltyLevel[];
  clock: Clock;
}

function loyaltyAddress(rng: Random, person: Person): OpenLoyaltyAddress | null {
  const { street, zip, city, country } = person.address;
  return rng.chance(0.75) ? { street, postal: zip, city, country } : null;
}

interface Membership {
  window: Window;
  contact: LoyaltyContact;
  /** False for the old member of a reissued card. */
  active: boolean;
  /** Lifetime points carried over from a previous card. */
  carried: number;
  /** Whether a physical card was issued (app-only members have none; a reissue always does). */
  card: boolean;
}

/** One membership. Inactive ones (an old card) handed their points on: 0 active points. */
function memberDraft(rng: Random, person: Person, world: LoyaltyWorld, { window, contact, active, carried, card }: Membership): MemberDraft {
  const customerId = rng.uuid();
  const [firstName, lastName] = typedNames(rng, person.firstName, person.lastName, true);
  const transactions = loyaltyTransactions(rng, person, world.catalog, customerId, window);
  const earned = carried + earnedPoints(transactions);
  const spent = active ? Math.floor((earned * rng.float(0, 0.6)) / 100) * 100 : earned;
  const lastActivity = transactions.at(-1)?.header.purchasedAt;
  const updated = active ? randomSec(rng, lastActivity ? Date.parse(lastActivity) / 1000 : window.from, window.to) : window.to;
  return {
    person,
    created: window.from,
    hasCard: card,
    earned,
    transactions,
    landlineOnly: contact.landlineOnly,
    member: {
      customerId,
      firstName,
      lastName,
      email: contact.email,
      phone: contact.phone,
      loyaltyCardNumber: null,
      birthDate: rng.chance(0.7) ? person.birthDate : null,
      address: loyaltyAddress(rng, person),
      levelId: levelFor(world.levels, earned).levelId,
      activePoints: earned - spent,
      active,
      agreement1: rng.chance(0.97),
      agreement2: rng.chance(0.6),
      createdAt: iso(window.from),
      updatedAt: iso(updated),
    },
  };
}

/**
 * A lost card replaced by a new membership: the old member is deactivated, its points carried over
 * to the new one, and the two share the email (maybe spelled differently) and/or the phone. When
 * they share only the phone (the person gave their other address), it is the mobile: a household's
 * line would not say whose the new card is.
 */
function reissuedMembers(rng: Random, person: Person, world: LoyaltyWorld, created: number): MemberDraft[] {
  const reissued = randomSec(rng, created + DAY, world.clock.now);
  // US and Canadian phones link nothing: their two cards always share the email.
  const shared = rng.weighted<'both' | 'email' | 'phone'>([['phone', phoneLinks(person) ? 25 : 0], ['both', 50], ['email', 25]]);
  const phone = person.household !== null && shared !== 'phone' ? person.landline : person.mobile;
  const oldContact = { email: ownEmail(rng, person.email, 'loyalty'), phone, landlineOnly: false };
  const newContact = {
    email: shared === 'phone' ? person.altEmail : otherSpelling(rng, person.email, oldContact.email),
    phone: shared === 'email' ? null : oldContact.phone,
    landlineOnly: false,
  };
  const old = memberDraft(rng, person, world, { window: { from: created, to: reissued }, contact: oldContact, active: false, carried: 0, card: true });
  const window = { from: reissued, to: world.clock.now };
  const current = memberDraft(rng, person, world, { window, contact: newContact, active: true, carried: old.earned, card: true });
  return [old, current];
}

function loyaltyDraftsFor(rng: Random, person: Person, world: LoyaltyWorld): MemberDraft[] {
  const created = randomSec(rng, person.since, world.clock.now - DAY);
  if (!person.lineOnly && rng.chance(RATES.reissuedCard)) return reissuedMembers(rng, person, world, created);
  const window = { from: created, to: world.clock.now };
  return [memberDraft(rng, person, world, { window, contact: loyaltyContact(rng, person), active: true, carried: 0, card: rng.chance(0.97) })];
}

/** EAN-13 check digit: card numbers are printed as barcodes. */
function ean13(twelveDigits: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelveDigits[i]) * (i % 2 === 0 ? 1 : 3);
  return twelveDigits + String((10 - (sum % 10)) % 10);
}

interface LoyaltyDrafts {
  levels: readonly OpenLoyaltyLevel[];
  /** In issue order. */
  drafts: MemberDraft[];
}

function draftLoyalty(rng: Random, people: readonly Person[], catalog: readonly CatalogItem[], clock: Clock): LoyaltyDrafts {
  const world: LoyaltyWorld = { catalog, levels: makeLevels(rng), clock };
  return { levels: world.levels, drafts: byCreation(people.filter((p) => p.silos.loyalty).flatMap((p) => loyaltyDraftsFor(rng, p, world))) };
}

function projectLoyalty(rng: Random, { levels, drafts }: LoyaltyDrafts): Owned<LoyaltySilo> {
  // Cards are numbered in the order they were issued ("29" is the in-store EAN prefix).
  let card = 290_000_000_000;
  const members = drafts.map((d) => {
    card += rng.int(1, 40);
    return d.hasCard ? { ...d.member, loyaltyCardNumber: ean13(String(card)) } : d.member;
  });
  const transactions = drafts
    .flatMap((d) => d.transactions)
    .sort((a, b) => (a.header.purchasedAt < b.header.purchasedAt ? -1 : a.header.purchasedAt > b.header.purchasedAt ? 1 : 0));
  return {
    silo: { storeCode: RETAILER.loyaltyStoreCode, levels: levels.slice(), members, transactions },
    owners: drafts.map((d, i) => ({ person: d.person.index, id: (members[i] as OpenLoyaltyMember).customerId })),
  };
}

// ---------------------------------------------------------------------------------------------
// Commerce: Shopify customers, orders, products.

interface OrderDraft {
  created: number;
  financialStatus: ShopifyOrder['financial_status'];
  lines: Array<{ item: CatalogItem; quantity: number }>;
  totalCents: number;
}

interface CustomerDraft {
  person: Person;
  created: number;
  customer: Omit<ShopifyCustomer, 'id'>;
  orders: OrderDraft[];
}

/** The shop account a person logs in with on the site, for analytics. */
interface ShopAccount {
  id: number;
  created: number;
}

const SHOP_TAGS = ['newsletter', 'retail-pos', 'returning-customer', 'student', 'gift-card', 'click-and-collect'] as const;

function orderDrafts(rng: Random, catalog: readonly CatalogItem[], window: Window): OrderDraft[] {
  return sortedSecs(rng, activityCount(rng, 0.25, 20), window.from, window.to).map((created) => {
    const lines = pickItems(rng, catalog);
    return {
      created,
      financialStatus: rng.weighted<ShopifyOrder['financial_status']>([['paid', 90], ['pending', 5], ['refunded', 5]]),
      lines,
      totalCents: lines.reduce((sum, l) => sum + l.item.priceCents * l.quantity, 0),
    };
  });
}

function consent(rng: Random, window: Window): ShopifyCustomer['email_marketing_consent'] {
  const state = rng.weighted<NonNullable<ShopifyCustomer['email_marketing_consent']>['state']>([
    ['subscribed', 45], ['not_subscribed', 40], ['unsubscribed', 12], ['pending', 3],
  ]);
  return {
    state,
    opt_in_level: state === 'not_subscribed' ? null : rng.weighted<'single_opt_in' | 'confirmed_opt_in' | 'unknown'>([['single_opt_in', 60], ['confirmed_opt_in', 30], ['unknown', 10]]),
    consent_updated_at: state === 'not_subscribed' ? null : iso(randomSec(rng, window.from, window.to)),
  };
}

/**
 * A shop customer. Persons tracked by analytics have a login (`enabled`), since they log in on the
 * site; others may be guests or invitations. `total_spent` counts paid orders only.
 */
function customerDraft(rng: Random, person: Person, catalog: readonly CatalogItem[], clock: Clock): CustomerDraft {
  const created = randomSec(rng, person.since, clock.now - DAY);
  const window = { from: created, to: clock.now };
  const orders = orderDrafts(rng, catalog, window);
  const spentCents = orders.filter((o) => o.financialStatus === 'paid').reduce((sum, o) => sum + o.totalCents, 0);
  const state = person.silos.analytics
    ? 'enabled'
    : rng.weighted<ShopifyCustomer['state']>([['enabled', 60], ['disabled', 30], ['invited', 7], ['declined', 3]]);
  // A customer created at the till gets the shop's `noemail@` address, and is known by the mobile.
  // US and Canadian phones link nothing: those customers keep their email.
  const tillPlaceholder = phoneLinks(person) && rng.chance(RATES.commercePlaceholder);
  const [firstName, lastName] = typedNames(rng, person.firstName, person.lastName, false);
  const tags: string[] = rng.shuffle(SHOP_TAGS).slice(0, skewedInt(rng, 0, 3, 2));
  if (spentCents >= 100_000) tags.push('vip');
  const lastOrder = orders.at(-1)?.created ?? created;
  const { street, zip, city, country } = person.address;
  return {
    person,
    created,
    orders,
    customer: {
      email: tillPlaceholder ? `noemail@${RETAILER.domain}` : ownEmail(rng, person.email, 'commerce'),
      first_name: firstName,
      last_name: lastName,
      // Shopify refuses a phone already used by another customer: never the shared landline.
      phone: tillPlaceholder || rng.chance(0.55) ? person.mobile : null,
      created_at: iso(created),
      updated_at: iso(randomSec(rng, lastOrder, clock.now)),
      orders_count: orders.length,
      total_spent: cents(spentCents),
      currency: RETAILER.currency,
      state,
      verified_email: state === 'enabled' && rng.chance(0.95),
      tags: tags.sort().join(', '),
      default_address: rng.chance(0.85) ? { address1: street, city, zip, country_code: country } : null,
      email_marketing_consent: consent(rng, window),
    },
  };
}

/** Shopify ids: large increasing integers, well below 2^53. */
function idSequence(rng: Random, start: number, maxStep: number): () => number {
  let last = start;
  return () => (last += rng.int(1, maxStep));
}

function draftCommerce(rng: Random, people: readonly Person[], catalog: readonly CatalogItem[], clock: Clock): CustomerDraft[] {
  return byCreation(people.filter((p) => p.silos.commerce).map((p) => customerDraft(rng, p, catalog, clock)));
}

function projectCommerce(
  rng: Random,
  drafts: readonly CustomerDraft[],
  catalog: readonly CatalogItem[],
): Owned<CommerceSilo> & { accounts: Map<number, ShopAccount> } {
  const customerId = idSequence(rng, 7_010_000_000_000, 50_000);
  const customers: ShopifyCustomer[] = drafts.map((d) => ({ id: customerId(), ...d.customer }));
  const accounts = new Map<number, ShopAccount>();
  drafts.forEach((d, i) => {
    if (d.customer.state === 'enabled') accounts.set(d.person.index, { id: (customers[i] as ShopifyCustomer).id, created: d.created });
  });

  const placed = byCreation(drafts.flatMap((d, i) => d.orders.map((o) => ({ ...o, customer: customers[i] as ShopifyCustomer }))));
  const orderId = idSequence(rng, 5_300_000_000_000, 20_000);
  const lineId = idSequence(rng, 14_200_000_000_000, 5_000);
  const orders = placed.map((o, n): ShopifyOrder => ({
    id: orderId(),
    name: `#${1001 + n}`,
    email: o.customer.email,
    created_at: iso(o.created),
    processed_at: iso(o.created),
    total_price: cents(o.totalCents),
    currency: RETAILER.currency,
    financial_status: o.financialStatus,
    customer: { id: o.customer.id },
    line_items: o.lines.map(({ item, quantity }): ShopifyLineItem => ({
      id: lineId(),
      product_id: item.productId,
      title: item.title,
      quantity,
      price: cents(item.priceCents),
      sku: item.sku,
    })),
  }));
  const products = catalog.map((item) => ({ id: item.productId, title: item.title, product_type: item.category, vendor: item.vendor }));
  return {
    silo: { currency: RETAILER.currency, customers, orders, products },
    owners: drafts.map((d, i) => ({ person: d.person.index, id: String((customers[i] as ShopifyCustomer).id) })),
    accounts,
  };
}

// ---------------------------------------------------------------------------------------------
// Analytics: Matomo visits, per device.

interface Device {
  visitorId: string;
  deviceType: MatomoVisit['deviceType'];
  operatingSystem: string;
  browserName: string;
}

type Software = ReadonlyArray<readonly [readonly [string, string], number]>;

const DEVICE_TYPES: ReadonlyArray<readonly [MatomoVisit['deviceType'], number, Software]> = [
  ['smartphone', 55, [[['iOS', 'Mobile Safari'], 35], [['iOS', 'Chrome Mobile iOS'], 10], [['Android', 'Chrome Mobile'], 40], [['Android', 'Samsung Browser'], 15]]],
  ['desktop', 30, [[['Windows', 'Chrome'], 40], [['Windows', 'Microsoft Edge'], 20], [['Windows', 'Firefox'], 10], [['Mac', 'Safari'], 18], [['Mac', 'Chrome'], 10], [['GNU/Linux', 'Firefox'], 2]]],
  ['tablet', 10, [[['iPadOS', 'Mobile Safari'], 70], [['Android', 'Chrome'], 30]]],
  ['phablet', 5, [[['Android', 'Chrome Mobile'], 100]]],
];

const REFERRERS: ReadonlyArray<readonly [MatomoVisit['referrerType'], number, ReadonlyArray<readonly [string, number]>]> = [
  ['direct', 35, []],
  ['search', 30, [['Google', 85], ['Bing', 6], ['Qwant', 4], ['DuckDuckGo', 3], ['Ecosia', 2]]],
  ['website', 8, [['elle.fr', 30], ['marieclaire.fr', 25], ['lemonde.fr', 20], ['madmoizelle.com', 15], ['lesnumeriques.com', 10]]],
  ['campaign', 15, [['newsletter-hebdo', 40], ['soldes-hiver', 15], ['soldes-ete', 15], ['black-friday', 15], ['relance-panier', 15]]],
  ['social', 12, [['Instagram', 45], ['Facebook', 25], ['Pinterest', 15], ['TikTok', 15]]],
];

function makeDevice(rng: Random, visitorIds: Set<string>): Device {
  const [deviceType, , software] = rng.weighted(DEVICE_TYPES.map((entry) => [entry, entry[1]] as const));
  const [operatingSystem, browserName] = rng.weighted(software);
  return { visitorId: unique(visitorIds, () => rng.hex(16)), deviceType, operatingSystem, browserName };
}

interface Page {
  url: string;
  title: string;
  product?: CatalogItem;
}

const pageTitle = (title: string): string => `${title} – ${RETAILER.name}`;
const HOME: Page = { url: `${RETAILER.site}/`, title: pageTitle('Mode, beauté et maison') };
const LOGIN: Page = { url: `${RETAILER.site}/account/login`, title: pageTitle('Connexion') };
const ACCOUNT: Page = { url: `${RETAILER.site}/account`, title: pageTitle('Mon compte') };
const CART: Page = { url: `${RETAILER.site}/cart`, title: pageTitle('Panier') };

/** A catalog item's pages, built once: a million actions then share their strings. */
interface ItemPages {
  category: string;
  product: Page;
  collection: Page;
  search: Page;
}

interface SiteMap {
  items: readonly ItemPages[];
  byCategory: ReadonlyMap<string, readonly ItemPages[]>;
  collections: readonly Page[];
}

function collectionPage(category: CategorySpec): Page {
  return { url: `${RETAILER.site}/collections/${category.type}`, title: pageTitle(category.label) };
}

function siteMap(catalog: readonly CatalogItem[]): SiteMap {
  const collections = new Map(CATEGORIES.map((c) => [c.type, collectionPage(c)]));
  const byCategory = new Map<string, ItemPages[]>();
  const items = catalog.map((item): ItemPages => {
    const pages: ItemPages = {
      category: item.category,
      product: { url: `${RETAILER.site}/products/${item.handle}`, title: pageTitle(item.title), product: item },
      collection: collections.get(item.category) ?? HOME,
      search: { url: `${RETAILER.site}/search?q=${encodeURIComponent(slug(item.title, '+'))}`, title: pageTitle('Recherche') },
    };
    byCategory.set(item.category, [...(byCategory.get(item.category) ?? []), pages]);
    return pages;
  });
  return { items, byCategory, collections: [...collections.values()] };
}

/** The pages of one visit: a landing page, then browsing that mostly stays in one category. */
function browse(rng: Random, site: SiteMap, firstLogin: boolean): Page[] {
  const focus = rng.pick(site.items);
  const sameCategory = site.byCategory.get(focus.category) ?? site.items;
  const pages: Page[] = [rng.weighted<Page>([[HOME, 45], [focus.product, 35], [focus.collection, 20]])];
  // A device's first logged-in visit starts with the login form.
  if (firstLogin) pages.push(LOGIN, ACCOUNT);
  const more = skewedInt(rng, 0, 6, 2.2);
  for (let i = 0; i < more; i++) {
    const r = rng.next();
    if (r < 0.55) pages.push(rng.pick(rng.chance(0.7) ? sameCategory : site.items).product);
    else if (r < 0.8) pages.push(rng.chance(0.7) ? focus.collection : rng.pick(site.collections));
    else if (r < 0.9) pages.push(CART);
    else if (r < 0.95) pages.push(focus.search);
    else pages.push(HOME);
  }
  return pages;
}

function action(page: Page, timestamp: number): MatomoAction {
  const base: MatomoAction = { type: 'action', url: page.url, pageTitle: page.title, timestamp };
  if (!page.product) return base;
  return {
    ...base,
    productViewSku: page.product.sku,
    productViewName: page.product.title,
    productViewCategory: page.product.category,
    productViewPrice: page.product.priceCents / 100,
  };
}

function makeVisit(rng: Random, site: SiteMap, device: Device, start: number, userId: string | null, firstLogin: boolean): MatomoVisit {
  const [referrerType, , names] = rng.weighted(REFERRERS.map((entry) => [entry, entry[1]] as const));
  let at = start;
  const actionDetails = browse(rng, site, firstLogin).map((page, i) => action(page, i === 0 ? at : (at += rng.int(5, 240))));
  return {
    idVisit: 0,
    visitorId: device.visitorId,
    userId,
    firstActionTimestamp: start,
    lastActionTimestamp: at,
    visitDuration: at - start + rng.int(0, 60),
    deviceType: device.deviceType,
    operatingSystem: device.operatingSystem,
    browserName: device.browserName,
    referrerType,
    referrerName: names.length > 0 ? rng.weighted(names) : null,
    actionDetails,
  };
}

/** Visits end before now: a visit is at most 9 pages 4 minutes apart, plus a minute on the last. */
const LAST_VISIT_MARGIN = 3_600;

/**
 * One device's visits. Without an account every visit is anonymous. With one, the early visits
 * are anonymous and, from the device's first login on (never before the account existed), every
 * visit carries the shop customer id; every such device logs in at least once.
 */
function deviceVisits(rng: Random, site: SiteMap, person: Person, account: ShopAccount | undefined, clock: Clock, device: Device): MatomoVisit[] {
  const end = clock.now - LAST_VISIT_MARGIN;
  const first = randomSec(rng, person.since, end);
  const count = skewedInt(rng, 1, 15, 5);
  if (!account) return sortedSecs(rng, count, first, end).map((sec) => makeVisit(rng, site, device, sec, null, false));
  const anonymous = count > 1 && rng.chance(0.85) ? rng.int(1, count - 1) : 0;
  const anonymousSecs = sortedSecs(rng, anonymous, first, end);
  const loginFrom = Math.max(anonymousSecs.at(-1) ?? first, account.created);
  const userId = String(account.id);
  // A faulty integration sent the id padded on the first logged-in visits, until it was fixed.
  const padded = rng.chance(RATES.paddedUserId) ? { sent: paddedUserId(rng, userId), visits: rng.int(1, count - anonymous) } : null;
  return [
    ...anonymousSecs.map((sec) => makeVisit(rng, site, device, sec, null, false)),
    ...sortedSecs(rng, count - anonymous, loginFrom, end).map((sec, i) =>
      makeVisit(rng, site, device, sec, padded !== null && i < padded.visits ? padded.sent : userId, i === 0),
    ),
  ];
}

/** A family tablet or computer: the device types a household shares. */
function makeSharedDevice(rng: Random, visitorIds: Set<string>): Device {
  for (;;) {
    const device = makeDevice(rng, visitorIds);
    if (device.deviceType === 'tablet' || device.deviceType === 'desktop') return device;
    visitorIds.delete(device.visitorId);
  }
}

/**
 * The visits of a device two shop customers of one household share ({@link RATES.sharedDevice}):
 * maybe a few anonymous visits, then one person's logged-in block and the other's, the owner
 * with strictly more logged-in visits (messy/shared-devices.ts).
 */
function sharedDeviceVisits(rng: Random, site: SiteMap, owner: ShopAccount, other: ShopAccount, since: number, clock: Clock, device: Device): MatomoVisit[] {
  const end = clock.now - LAST_VISIT_MARGIN;
  const logins = sharedDeviceLogins(rng);
  const anonymousSecs = sortedSecs(rng, rng.chance(0.5) ? rng.int(1, 3) : 0, randomSec(rng, since, end), end);
  const loginFrom = Math.max(anonymousSecs.at(-1) ?? since, owner.created, other.created);
  const account = (who: Login): ShopAccount => (who === 'owner' ? owner : other);
  return [
    ...anonymousSecs.map((sec) => makeVisit(rng, site, device, sec, null, false)),
    ...sortedSecs(rng, logins.length, loginFrom, end).map((sec, i) =>
      makeVisit(rng, site, device, sec, String(account(logins[i]!).id), i === 0 || logins[i - 1] !== logins[i]),
    ),
  ];
}

/**
 * Per owner (person index), the household members whose accounts log in on a device the owner
 * shares with them: for {@link RATES.sharedDevice} of the households with two or more shop
 * customers tracked by analytics, one such pair.
 */
function sharedDevicePlan(rng: Random, people: readonly Person[], accounts: ReadonlyMap<number, ShopAccount>): Map<number, number> {
  const households = new Map<string, Person[]>();
  for (const person of people) {
    if (person.household === null || !person.silos.analytics || !accounts.has(person.index)) continue;
    households.set(person.household, [...(households.get(person.household) ?? []), person]);
  }
  const plan = new Map<number, number>();
  for (const members of households.values()) {
    if (members.length < 2 || !rng.chance(RATES.sharedDevice)) continue;
    const [owner, other] = rng.shuffle(members);
    plan.set(owner!.index, other!.index);
  }
  return plan;
}

function projectAnalytics(
  rng: Random,
  people: readonly Person[],
  catalog: readonly CatalogItem[],
  accounts: ReadonlyMap<number, ShopAccount>,
  clock: Clock,
): Owned<AnalyticsSilo> {
  const site = siteMap(catalog);
  const visitorIds = new Set<string>();
  const owners: Owned<AnalyticsSilo>['owners'] = [];
  const visits: MatomoVisit[] = [];
  const shared = sharedDevicePlan(rng, people, accounts);
  for (const person of people) {
    if (!person.silos.analytics) continue;
    const account = accounts.get(person.index);
    // A visitor who never logs in is one device: nothing tells that two browsers are one person.
    const devices = account ? rng.weighted([[1, 60], [2, 28], [3, 12]] as const) : 1;
    for (let d = 0; d < devices; d++) {
      const device = makeDevice(rng, visitorIds);
      owners.push({ person: person.index, id: device.visitorId });
      visits.push(...deviceVisits(rng, site, person, account, clock, device));
    }
    const other = shared.get(person.index);
    const otherAccount = other === undefined ? undefined : accounts.get(other);
    if (account && otherAccount) {
      // The family device is the owner's: they log in on it most.
      const device = makeSharedDevice(rng, visitorIds);
      owners.push({ person: person.index, id: device.visitorId });
      visits.push(...sharedDeviceVisits(rng, site, account, otherAccount, person.since, clock, device));
    }
  }
  // Matomo numbers visits in the order they start. The visits are this function's own fresh
  // objects: numbering them in place spares a copy of the largest array of the population.
  visits.sort((a, b) => a.firstActionTimestamp - b.firstActionTimestamp);
  visits.forEach((visit, n) => {
    visit.idVisit = n + 1;
  });
  return { silo: { siteId: RETAILER.analyticsSiteId, visits }, owners };
}

// ---------------------------------------------------------------------------------------------
// Links: what a retailer can match a person's records on.

/**
 * A value of the person that ties the records holding it: their email, their other address, their
 * mobile. Each is unique to the person and never a placeholder; a household's landline is not one.
 */
type Link = 'email' | 'altEmail' | 'mobile';

/** One record of a person as {@link connectRecords} sees it: what it holds, and where it has room. */
interface Linkable {
  holds: Set<Link>;
  /** Writes the person's main email or mobile into an empty field of the record. */
  room: Partial<Record<'email' | 'mobile', (rng: Random) => void>>;
}

/**
 * Whether a stored email is the person's `clean` one, as the gateway compares them: the same
 * canonical mailbox (case, spaces, invisible characters, trailing dot, `+tag`, Gmail dots).
 */
function isEmail(stored: string | null, clean: string): boolean {
  return stored !== null && canonicalMailbox(stored) === canonicalMailbox(clean);
}

/** Whether a phone as typed into HubSpot is the person's mobile: its digits end with the national number. */
function isMobileText(text: string | null, person: Person): boolean {
  if (text === null) return false;
  const national = person.mobile.slice(1 + COUNTRIES[person.country].phone.cc.length);
  return text.replace(/\D/g, '').endsWith(national);
}

/** What a record holds that links; a US or Canadian mobile links nothing (see {@link NANP}). */
function holdsOf(person: Person, emails: ReadonlyArray<string | null>, mobile: boolean): Set<Link> {
  const holds = new Set<Link>();
  if (emails.some((e) => isEmail(e, person.email))) holds.add('email');
  if (emails.some((e) => isEmail(e, person.altEmail))) holds.add('altEmail');
  if (mobile && phoneLinks(person)) holds.add('mobile');
  return holds;
}

function crmLinkable({ person, properties: p }: CrmDraft): Linkable {
  const room: Linkable['room'] = {};
  if (p.mobilephone === null && phoneLinks(person)) room.mobile = (rng) => (p.mobilephone = crmPhoneText(rng, person.mobile, person.country, false));
  // Someone adds the address to the contact: HubSpot keeps it as an additional email.
  if (p.hs_additional_emails === null) room.email = (rng) => (p.hs_additional_emails = storedEmail(rng, person.email, true));
  const emails = [p.email, ...(p.hs_additional_emails ?? '').split(';')];
  return { holds: holdsOf(person, emails, [p.phone, p.mobilephone].some((t) => isMobileText(t, person))), room };
}

function memberLinkable({ person, member: m }: MemberDraft): Linkable {
  const room: Linkable['room'] = {};
  if (m.phone === null && phoneLinks(person)) room.mobile = () => (m.phone = person.mobile);
  if (m.email === null) room.email = (rng) => (m.email = storedEmail(rng, person.email, true));
  return { holds: holdsOf(person, [m.email], m.phone === person.mobile), room };
}

function customerLinkable({ person, customer: c }: CustomerDraft): Linkable {
  const room: Linkable['room'] = {};
  if (c.phone === null && phoneLinks(person)) room.mobile = () => (c.phone = person.mobile);
  // A customer created at the till who later gave their address (Shopify lets them change it).
  if (c.email === `noemail@${RETAILER.domain}`) room.email = (rng) => (c.email = storedEmail(rng, person.email, false));
  return { holds: holdsOf(person, [c.email], c.phone === person.mobile), room };
}

/** A person's records in groups that their values connect. */
function linkedGroups(records: readonly Linkable[]): Linkable[][] {
  let groups: Linkable[][] = [];
  for (const record of records) {
    const joined = groups.filter((group) => group.some((other) => [...record.holds].some((link) => other.holds.has(link))));
    groups = [...groups.filter((group) => !joined.includes(group)), [...joined.flat(), record]];
  }
  return groups;
}

/**
 * The fewest fields to fill so that groups `a` and `b` connect, the mobile rather than the email
 * (records without an email are a documented case of their own): one value one side holds written
 * where the other side has room, else the mobile written on both sides, else the email on both.
 */
function bridge(a: readonly Linkable[], b: readonly Linkable[]): Array<[Linkable, 'email' | 'mobile']> | null {
  const roomy = (group: readonly Linkable[], link: 'email' | 'mobile') => group.find((r) => r.room[link] !== undefined);
  for (const link of ['mobile', 'email'] as const) {
    for (const [from, to] of [[b, a], [a, b]] as const) {
      const target = from.some((r) => r.holds.has(link)) ? roomy(to, link) : undefined;
      if (target) return [[target, link]];
    }
  }
  for (const link of ['mobile', 'email'] as const) {
    const [x, y] = [roomy(a, link), roomy(b, link)];
    if (x && y) return [[x, link], [y, link]];
  }
  return null;
}

/**
 * Makes each person's records one graph connected through the values a retailer matches on, as a
 * person who gives their email or mobile wherever they sign up leaves them (an analytics device
 * hangs on its shop account through its login). The draws per silo are independent, so some leave
 * a record with nothing the person's other records hold (a store contact with only the mobile and
 * a shop account with only the email); then the mobile is written into an empty phone field, as a
 * clerk who asks for a phone number does, or failing that the email into an empty email field.
 * The landline-only household members stay apart: unlinkable by design (docs/population.md).
 */
function connectRecords(rng: Random, crm: readonly CrmDraft[], loyalty: readonly MemberDraft[], commerce: readonly CustomerDraft[]): void {
  const byPerson = new Map<number, Linkable[]>();
  const add = (person: Person, record: Linkable): void => {
    const records = byPerson.get(person.index);
    if (records) records.push(record);
    else byPerson.set(person.index, [record]);
  };
  for (const draft of crm) add(draft.person, crmLinkable(draft));
  for (const draft of loyalty) if (!draft.landlineOnly) add(draft.person, memberLinkable(draft));
  for (const draft of commerce) add(draft.person, customerLinkable(draft));
  for (const records of byPerson.values()) {
    for (let groups = linkedGroups(records); groups.length > 1; groups = linkedGroups(records)) {
      // Tie another group to the one holding the main email, or the largest.
      const main = groups.find((group) => group.some((r) => r.holds.has('email'))) ?? groups.reduce((a, b) => (b.length > a.length ? b : a));
      const steps = bridge(main, groups.find((group) => group !== main)!);
      if (!steps) break; // Cannot happen with the draws above: the generator's tests check it.
      for (const [record, link] of steps) {
        record.room[link]!(rng);
        delete record.room[link];
        record.holds.add(link);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Truth and assembly.

function buildTruth(people: readonly Person[], silos: ReadonlyArray<readonly [SourceName, Owned<unknown>['owners']]>): TruthEntry[] {
  const records: Array<TruthEntry['records']> = people.map(() => []);
  for (const [source, owners] of silos) {
    for (const { person, id } of owners) records[person]?.push({ source, id });
  }
  return people.map((p, i) => {
    const entry: TruthEntry = { person: p.id, records: records[i] ?? [] };
    return p.household === null ? entry : { ...entry, household: p.household };
  });
}

function checkOptions(options: GenerateOptions): void {
  const { seed, size, now } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new RangeError(`seed must be an integer from 0 to 4294967295, but got: ${seed}`);
  }
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be an integer of at least 1, but got: ${size}`);
  if (now !== undefined && Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date, but got: Invalid Date');
}

/**
 * A whole population: `size` persons over the four silos, with the truth. The same seed, size and
 * `now` give the same population, byte for byte. `now` defaults to the start of the current UTC day.
 */
export function generatePopulation(options: GenerateOptions): Population {
  checkOptions(options);
  const now = options.now ?? startOfUtcDay(new Date());
  const clock = clockAt(now);
  const root = new Random(options.seed);
  const catalog = makeCatalog(root.fork('catalog'));
  const people = makePeople(root.fork('people'), options.size, clock);
  const [crmRng, loyaltyRng, commerceRng] = [root.fork('crm'), root.fork('loyalty'), root.fork('commerce')];
  const crmDrafts = draftCrm(crmRng, people, clock);
  const loyaltyDrafts = draftLoyalty(loyaltyRng, people, catalog, clock);
  const customerDrafts = draftCommerce(commerceRng, people, catalog, clock);
  connectRecords(root.fork('links'), crmDrafts, loyaltyDrafts.drafts, customerDrafts);
  const crm = assignCrmIds(crmRng, crmDrafts);
  const loyalty = projectLoyalty(loyaltyRng, loyaltyDrafts);
  const commerce = projectCommerce(commerceRng, customerDrafts, catalog);
  const analytics = projectAnalytics(root.fork('analytics'), people, catalog, commerce.accounts, clock);
  return {
    version: POPULATION_FORMAT_VERSION,
    seed: options.seed,
    generatedAt: now.toISOString(),
    crm: crm.silo,
    loyalty: loyalty.silo,
    commerce: commerce.silo,
    analytics: analytics.silo,
    truth: buildTruth(people, [
      ['crm', crm.owners],
      ['loyalty', loyalty.owners],
      ['commerce', commerce.owners],
      ['analytics', analytics.owners],
    ]),
  };
}
