/**
 * The analytics silo's building blocks: devices, the site's pages, and one Matomo visit.
 */
import { type MatomoAction, type MatomoVisit } from '../../connectors/population.js';
import { type CatalogItem, CATEGORIES, type CategorySpec, slug } from './catalog.js';
import { unique } from './records.js';
import { type Random } from './random.js';
import { RETAILER } from './rates.js';
import { skewedInt } from './time.js';

export interface Device {
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

/** A new device: a unique visitor id, a device type and its operating system and browser. */
export function makeDevice(rng: Random, visitorIds: Set<string>): Device {
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

export interface SiteMap {
  items: readonly ItemPages[];
  byCategory: ReadonlyMap<string, readonly ItemPages[]>;
  collections: readonly Page[];
}

function collectionPage(category: CategorySpec): Page {
  return { url: `${RETAILER.site}/collections/${category.type}`, title: pageTitle(category.label) };
}

/** Every page of the site, built once per population. */
export function siteMap(catalog: readonly CatalogItem[]): SiteMap {
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

/** One visit of `device` starting at `start` (unix seconds), logged in as `userId` or anonymous. */
export function makeVisit(rng: Random, site: SiteMap, device: Device, start: number, userId: string | null, firstLogin: boolean): MatomoVisit {
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
export const LAST_VISIT_MARGIN = 3_600;
