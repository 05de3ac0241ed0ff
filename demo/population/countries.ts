/**
 * Reference data: the countries persons live in (names, cities, email providers, phone plans), the stores.
 */
import { type Random } from './random.js';
import { RATES } from './rates.js';

export type Country = 'FR' | 'GB' | 'DE' | 'BE' | 'ES' | 'IT' | 'US' | 'CA';

/** Countries of the North American Numbering Plan: their numbers do not tell a mobile from a landline. */
export const NANP: ReadonlySet<Country> = new Set(['US', 'CA']);

/** Whether a person's phones can link their records: not in the US and Canada (see {@link NANP}). */
export function phoneLinks(person: { country: Country }): boolean {
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

export interface CountryProfile {
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
export const FRENCH_LAST = [
  'Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon',
  'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel',
  'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand',
  'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Muller', 'Henry', 'Roussel', 'Perrin', 'Morin',
  'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Da Silva', 'Nguyen', 'Benali',
  'Haddad', 'Rossi', 'Ferreira', 'Le Gall', 'Kervella', "N'Diaye", 'Traoré', 'Saint-Martin', 'Diallo',
] as const;

/** Two-digit groups: French numbers are written in pairs after the first digit. */
export const FR_GROUPS = [1, 2, 2, 2, 2] as const;

export const COUNTRIES: Record<Country, CountryProfile> = {
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

export const COUNTRY_WEIGHTS = (Object.keys(COUNTRIES) as Country[]).map((c) => [c, COUNTRIES[c].weight] as const);

export interface Store {
  code: string;
  name: string;
  city: string;
}

/** The retailer's stores; `name` is what Open Loyalty's `purchasePlace` holds. */
export const STORES: readonly Store[] = [
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

/** Digits split into groups of the given sizes (the rest in a last group), joined by `sep`. */
export function groupDigits(digits: string, groups: readonly number[], sep: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  if (at < digits.length) parts.push(digits.slice(at));
  return parts.filter((p) => p.length > 0).join(sep);
}
