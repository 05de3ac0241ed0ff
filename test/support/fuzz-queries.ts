/**
 * Random GraphQL operations walked from the gateway's schema, for the access fuzz test: random
 * fields at every depth, aliases, inline and named fragments, arguments, several root fields, and
 * the ids given. Each operation comes with a model of its selections (response key -> field), so
 * that an answer can be checked field by field against the schema's access rules.
 */
import type { GraphQLField, GraphQLObjectType, GraphQLSchema } from 'graphql';

/** One selected field, by its response key, with what is selected under it (null for a leaf). */
export interface SelectedField {
  key: string;
  /** `Type.field`. */
  coordinate: string;
  children: SelectedField[] | null;
}

export interface FuzzOperation {
  text: string;
  /** The root selections, fragments flattened (every fragment here is on its parent's own type). */
  selections: SelectedField[];
}

export interface FuzzOptions {
  /** The ids `customer(id:)` and `customers(ids:)` draw from. */
  ids: readonly string[];
  /** The golden fields `provenance(field:)` may name. */
  goldenFields: readonly string[];
  /** The deepest level of fields under a root field. */
  maxDepth?: number;
}

/** Makes one random operation from `random` (a seeded source in [0, 1)). */
export function fuzzOperation(schema: GraphQLSchema, random: () => number, options: FuzzOptions): FuzzOperation {
  const maxDepth = options.maxDepth ?? 5;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chance = (p: number): boolean => random() < p;
  const fragments: string[] = [];
  let counter = 0;

  const argumentsOf = (type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string => {
    const parts: string[] = [];
    for (const argument of field.args) {
      const coordinate = `${type.name}.${field.name}(${argument.name})`;
      const required = String(argument.type).endsWith('!');
      if (!required && !chance(0.6)) continue;
      const value = argumentValue(coordinate);
      if (value !== null) parts.push(`${argument.name}: ${value}`);
    }
    return parts.length > 0 ? `(${parts.join(', ')})` : '';
  };

  const argumentValue = (coordinate: string): string | null => {
    switch (coordinate) {
      case 'Query.customer(id)':
        return JSON.stringify(pick(options.ids));
      case 'Query.customers(ids)':
        return `[${Array.from({ length: 1 + Math.floor(random() * 4) }, () => JSON.stringify(pick(options.ids))).join(', ')}]`;
      case 'Customer.provenance(field)':
        return JSON.stringify(pick(options.goldenFields));
      case 'Customer.journey(first)':
        return String(1 + Math.floor(random() * 5));
      case 'Customer.journey(filter)':
        return pick(['{ channels: [web, store] }', '{ kinds: [storePurchase, onlineOrder, webVisit] }', '{}']);
      case 'Customer.rfm(windowDays)':
        return pick(['30', '365', 'null']);
      case 'Customer.inSegment(name)':
        return '"no-such-segment"';
      case 'Clv.expectedPurchases(days)':
        return String(1 + Math.floor(random() * 365));
      case 'Clv.value(months)':
        return String(1 + Math.floor(random() * 24));
      default:
        // Every `limit` argument, and any other number a new field takes.
        return coordinate.endsWith('(limit)') ? String(1 + Math.floor(random() * 4)) : null;
    }
  };

  /**
   * A selection set on `type`: text and model. `taken` holds the response keys already used at this
   * level (fragments share their parent's), so that two selections never merge under one key.
   */
  const selectionSet = (type: GraphQLObjectType, depth: number, taken: Set<string>, model: SelectedField[]): string => {
    const fields = Object.values(type.getFields()).filter((f) => !(depth === 0 && f.name === 'segments' && chance(0.7)));
    const wanted = fields.filter(() => chance(depth === 0 ? 0.6 : 0.45));
    if (wanted.length === 0) wanted.push(pick(fields));
    const parts: string[] = [];
    for (const field of wanted) {
      const named = unwrap(field.type);
      const isObject = 'getFields' in named;
      if (isObject && depth >= maxDepth) continue;
      let key = field.name;
      if (taken.has(key) || chance(0.25)) key = `${field.name}_${(counter += 1)}`;
      taken.add(key);
      const child: SelectedField = { key, coordinate: `${type.name}.${field.name}`, children: isObject ? [] : null };
      model.push(child);
      const head = `${key === field.name ? '' : `${key}: `}${field.name}${argumentsOf(type, field)}`;
      parts.push(isObject ? `${head} { ${selectionSet(named as GraphQLObjectType, depth + 1, new Set(), child.children!)} }` : head);
    }
    if (chance(0.1)) parts.push('__typename');
    if (parts.length === 0) parts.push('__typename');
    // Some selections go into fragments on this same type: inline, or named and spread.
    if (parts.length > 1 && chance(0.35)) {
      const cut = 1 + Math.floor(random() * (parts.length - 1));
      const moved = parts.splice(cut);
      if (chance(0.5)) {
        parts.push(`... on ${type.name} { ${moved.join(' ')} }`);
      } else {
        const name = `F${(counter += 1)}`;
        fragments.push(`fragment ${name} on ${type.name} { ${moved.join(' ')} }`);
        parts.push(`...${name}`);
      }
    }
    return parts.join(' ');
  };

  const query = schema.getQueryType()!;
  const selections: SelectedField[] = [];
  const taken = new Set<string>();
  const roots: string[] = [];
  const rootCount = 1 + Math.floor(random() * 3);
  for (let i = 0; i < rootCount; i += 1) {
    const field = query.getFields()[pick(['customer', 'customer', 'customers', 'segments'])]!;
    let key = field.name;
    if (taken.has(key) || chance(0.3)) key = `${field.name}_${(counter += 1)}`;
    taken.add(key);
    const root: SelectedField = { key, coordinate: `Query.${field.name}`, children: [] };
    selections.push(root);
    const body = selectionSet(unwrap(field.type) as GraphQLObjectType, 1, new Set(), root.children!);
    roots.push(`${key === field.name ? '' : `${key}: `}${field.name}${argumentsOf(query, field)} { ${body} }`);
  }
  const name = chance(0.5) ? ` Fuzz${Math.floor(random() * 1000)}` : '';
  return { text: [`query${name} { ${roots.join(' ')} }`, ...fragments].join('\n'), selections };
}

function unwrap(type: unknown): { name: string } {
  let current: any = type;
  while (current.ofType) current = current.ofType;
  return current;
}

/**
 * The paths of an answer where a field holds a value (not null, not an empty list) that its
 * access rule says the client may not see. `allowed` tells whether a field at the end of a chain
 * of `Type.field` coordinates may be read.
 */
export function visibleButForbidden(
  data: unknown,
  selections: readonly SelectedField[],
  allowed: (coordinates: readonly string[]) => boolean,
): string[] {
  const found: string[] = [];
  const walk = (value: unknown, fields: readonly SelectedField[], chain: readonly string[], path: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, fields, chain, `${path}.${i}`));
      return;
    }
    for (const field of fields) {
      const child = (value as Record<string, unknown>)[field.key];
      const coordinates = [...chain, field.coordinate];
      const shown = child !== null && child !== undefined && !(Array.isArray(child) && child.length === 0);
      if (shown && !allowed(coordinates)) found.push(`${path}.${field.key} (${field.coordinate})`);
      if (shown && field.children) walk(child, field.children, coordinates, `${path}.${field.key}`);
    }
  };
  walk(data, selections, [], '');
  return found;
}
