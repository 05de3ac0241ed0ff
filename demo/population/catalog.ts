/**
 * The catalog: one product list that the shop sells online, the stores sell at the till and the site
 * shows, so that a person's purchases and product views speak of the same things.
 */
import { type Random } from './random.js';

export interface CategorySpec {
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

export const CATEGORIES: readonly CategorySpec[] = [
  { type: 'shoes', code: 'SHO', label: 'Chaussures', euros: [49, 189], nouns: ['Baskets', 'Bottines', 'Mocassins', 'Sandales', 'Derbies', 'Escarpins', 'Espadrilles'], variants: COLORS, vendors: ['Sabots & Co', ...HOUSE_BRANDS] },
  { type: 'outerwear', code: 'OUT', label: 'Manteaux et vestes', euros: [79, 349], nouns: ['Trench', 'Parka', 'Caban', 'Doudoune', 'Veste en jean', 'Blazer', 'Imperméable'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'tops', code: 'TOP', label: 'Hauts', euros: [19, 99], nouns: ['T-shirt', 'Chemise', 'Pull', 'Sweat', 'Blouse', 'Polo', 'Cardigan', 'Débardeur'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'trousers', code: 'TRO', label: 'Pantalons', euros: [39, 129], nouns: ['Jean droit', 'Jean slim', 'Chino', 'Pantalon large', 'Pantalon cargo', 'Short'], variants: COLORS, vendors: HOUSE_BRANDS },
  { type: 'accessories', code: 'ACC', label: 'Accessoires', euros: [15, 149], nouns: ['Sac cabas', 'Ceinture', 'Écharpe', 'Bonnet', 'Portefeuille', 'Casquette', 'Foulard'], variants: COLORS, vendors: ['Les Tisserands', ...HOUSE_BRANDS] },
  { type: 'beauty', code: 'BEA', label: 'Beauté', euros: [12, 89], nouns: ['Eau de parfum', 'Crème mains', 'Baume à lèvres', 'Huile sèche', 'Savon', 'Sérum visage'], variants: ["fleur d'oranger", 'figue', 'vétiver', 'rose', 'lavande', 'ambre', 'thé vert', 'néroli'], vendors: ['Bastide Beauté', 'Officine Cassel'] },
  { type: 'home', code: 'HOM', label: 'Maison', euros: [9, 119], nouns: ['Bougie parfumée', 'Plaid', 'Coussin', 'Mug', 'Vase', 'Nappe', 'Serviette de bain'], variants: COLORS, vendors: ['Cassel Maison', 'Les Tisserands'] },
  { type: 'kids', code: 'KID', label: 'Enfant', euros: [9, 59], nouns: ['Body bébé', 'Pyjama enfant', 'Baskets enfant', 'Sweat enfant', 'Robe fille', 'Salopette'], variants: COLORS, vendors: ['Petit Cassel'] },
];

export interface CatalogItem {
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
export function slug(text: string, sep: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}|\\${sep}$`, 'g'), '');
}

/** 150 to 300 products drawn from the categories, with growing Shopify product ids and SKUs. */
export function makeCatalog(rng: Random): CatalogItem[] {
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

/** Euro cents as Shopify's decimal string (`1850` -> `"18.50"`). */
export function cents(value: number): string {
  return (value / 100).toFixed(2);
}

/** The lines of one basket, in store or online: 1 to 4 products, 1 to 3 of each. */
export function pickItems(rng: Random, catalog: readonly CatalogItem[]): Array<{ item: CatalogItem; quantity: number }> {
  const lines = rng.weighted([[1, 50], [2, 30], [3, 13], [4, 7]] as const);
  return Array.from({ length: lines }, () => ({ item: rng.pick(catalog), quantity: rng.weighted([[1, 80], [2, 15], [3, 5]] as const) }));
}
