/**
 * What a rule reads, derived from the rule itself (pure): the features its parsed expression
 * names, hence the groups to compute, the journey streams to read and the silos to call. A
 * tier-only rule needs the loyalty members alone; a rule on purchases, the store receipts and
 * the online orders; a rule on visits, the analytics visits.
 *
 * The walk is conservative: where it cannot tell which features are read (a group used as a
 * whole, `[journey].size()`), it counts all of the group's, so that a rule never reads a feature
 * whose silos were not called. A macro's variable (`journey.channels.exists(c, c == "web")`,
 * `cel.bind(x, …, …)`) hides a group of the same name inside the macro.
 *
 * It also refuses, at load, what the type checker lets through but cannot be right: an unknown
 * feature inside `has()`, a window of days outside 1–3650 written as a literal, a comparison of a
 * feature with few values (`lifecycle.stage`, `journey.channels`) to a literal it never takes.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import type { Source } from '../../generated/graphql.js';
import { JOURNEY_STREAMS, type JourneyStream } from '../../journey/touchpoint.js';
import { FEATURE_GROUPS, FEATURES, featureOf, featureUsage, isFeatureGroup, silosOf, WINDOW_DAYS, type FeatureGroup } from './catalogue.js';

/** What a segment (or several) needs to be evaluated. */
export interface SegmentNeeds {
  /** The groups of features to compute, in the catalogue's order. */
  groups: FeatureGroup[];
  /** The features read, as `group.name`, sorted. */
  features: string[];
  /** The journey streams to read, in the journey's order. */
  streams: JourneyStream[];
  /** The silos those streams call, in the schema's order. */
  silos: Source[];
  /** Whether the shop's product categories are needed too (`productCategories`). */
  productCategories: boolean;
}

/** What a rule reads, or the problems found in it (each a sentence saying what is accepted). */
export type RuleReads = { ok: true; features: ReadonlySet<string> } | { ok: false; problems: string[] };

/** Macros whose first argument names a variable bound in the others (cel-spec doc/langdef.md, "Macros"). */
const BINDING_MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'sortBy']);

/** The features a parsed rule reads (as `group.name`), or what is wrong in it. */
export function ruleReads(ast: ASTNode): RuleReads {
  const features = new Set<string>();
  const problems: string[] = [];
  const readGroup = (group: FeatureGroup): void => {
    for (const name of Object.keys(FEATURES[group])) features.add(`${group}.${name}`);
  };

  const visit = (node: ASTNode, bound: ReadonlySet<string>): void => {
    const groupOf = (n: ASTNode): FeatureGroup | undefined => (n.op === 'id' && isFeatureGroup(n.args) && !bound.has(n.args) ? n.args : undefined);
    switch (node.op) {
      case 'value':
        return;
      case 'id':
        if (groupOf(node) !== undefined) readGroup(groupOf(node)!);
        return;
      case '.':
      case '.?': {
        const [object, name] = node.args;
        const group = groupOf(object);
        if (group === undefined) return visit(object, bound);
        const feature = featureOf(group, name);
        if (feature === undefined || feature.kind !== 'field') problems.push(unknownField(group, name));
        else features.add(`${group}.${name}`);
        return;
      }
      case 'rcall': {
        const [name, receiver, args] = node.args;
        const group = groupOf(receiver);
        if (group !== undefined) {
          const feature = featureOf(group, name);
          if (feature === undefined || feature.kind !== 'method') problems.push(unknownMethod(group, name));
          else {
            features.add(`${group}.${name}`);
            feature.params.forEach((param, i) => {
              if (param.name === 'days' && args[i] !== undefined) {
                const days = literalInt(args[i]);
                if (days !== undefined && (days < WINDOW_DAYS.min || days > WINDOW_DAYS.max)) {
                  problems.push(`${featureUsage(group, name, feature)}: days must be from ${WINDOW_DAYS.min} to ${WINDOW_DAYS.max}, got ${days}.`);
                }
              }
            });
          }
          for (const arg of args) visit(arg, bound);
          return;
        }
        if (name === 'bind' && receiver.op === 'id' && receiver.args === 'cel' && args.length === 3 && args[0]!.op === 'id') {
          visit(args[1]!, bound);
          visit(args[2]!, new Set([...bound, args[0]!.args]));
          return;
        }
        visit(receiver, bound);
        if (BINDING_MACROS.has(name) && args.length >= 2 && args[0]!.op === 'id') {
          const inner = new Set([...bound, args[0]!.args]);
          // Two-variable forms (`all(k, v, predicate)`): the second is a variable too.
          if (args.length === 3 && args[1]!.op === 'id') inner.add(args[1]!.args);
          for (const arg of args.slice(1)) visit(arg, inner);
          return;
        }
        for (const arg of args) visit(arg, bound);
        return;
      }
      case 'call':
        for (const arg of node.args[1]) visit(arg, bound);
        return;
      case 'list':
        for (const item of node.args) visit(item, bound);
        return;
      case 'map':
        for (const [key, value] of node.args) {
          visit(key, bound);
          visit(value, bound);
        }
        return;
      case '!_':
      case '-_':
        return visit(node.args, bound);
      case '?:':
        for (const part of node.args) visit(part, bound);
        return;
      case '==':
      case '!=':
      case 'in':
        checkLiteralValues(node.op, node.args[0], node.args[1], groupOf, problems);
        visit(node.args[0], bound);
        visit(node.args[1], bound);
        return;
      case '/':
      case '%':
        // CEL's integer division and modulo by zero are errors (cel-spec doc/langdef.md,
        // "Arithmetic"): by a constant zero, the segment is unknown for every customer.
        if (constantInteger(node.args[1]) === 0n) {
          problems.push(`"${node.op}" by zero (at character ${node.args[1].start + 1}) has no result for any customer, so the segment would be unknown for everyone; divide by a feature or a number other than 0.`);
        }
        visit(node.args[0], bound);
        visit(node.args[1], bound);
        return;
      default:
        // The other operators (&&, ||, arithmetic, comparisons, indexing) have two operands.
        visit(node.args[0], bound);
        visit(node.args[1], bound);
        return;
    }
  };

  visit(ast, new Set());
  return problems.length > 0 ? { ok: false, problems: [...new Set(problems)] } : { ok: true, features };
}

/** What a set of read features (`group.name`) needs. */
export function needsOf(features: Iterable<string>): SegmentNeeds {
  const names = [...new Set(features)].sort();
  const groups = new Set<FeatureGroup>();
  const streams = new Set<JourneyStream>();
  let productCategories = false;
  for (const key of names) {
    const [group, name] = key.split('.') as [FeatureGroup, string];
    const feature = featureOf(group, name);
    if (feature === undefined) throw new Error(`needsOf: "${key}" is not a feature of the catalogue.`);
    groups.add(group);
    for (const stream of feature.streams) streams.add(stream);
    if (feature.productCategories) productCategories = true;
  }
  const orderedStreams = JOURNEY_STREAMS.filter((s) => streams.has(s));
  return {
    groups: FEATURE_GROUPS.filter((g) => groups.has(g)),
    features: names,
    streams: orderedStreams,
    silos: silosOf(orderedStreams),
    productCategories,
  };
}

/** What several segments need together: the union of their needs. */
export function combinedNeeds(needs: Iterable<SegmentNeeds>): SegmentNeeds {
  return needsOf([...needs].flatMap((n) => n.features));
}

function unknownField(group: FeatureGroup, name: string): string {
  const fields = Object.entries(FEATURES[group]).filter(([, f]) => f.kind === 'field').map(([n]) => n);
  const methods = Object.entries(FEATURES[group]).filter(([, f]) => f.kind === 'method').map(([n, f]) => featureUsage(group, n, f));
  const isMethod = methods.some((m) => m.startsWith(`${group}.${name}(`));
  return isMethod
    ? `${group}.${name} is a method: call it with its arguments, ${methods.find((m) => m.startsWith(`${group}.${name}(`))!}.`
    : `${group} has no feature "${name}"; its fields are ${fields.join(', ')}${methods.length > 0 ? `, and its methods ${methods.join(', ')}` : ''}.`;
}

function unknownMethod(group: FeatureGroup, name: string): string {
  const methods = Object.entries(FEATURES[group]).filter(([, f]) => f.kind === 'method').map(([n, f]) => featureUsage(group, n, f));
  return methods.length > 0 ? `${group} has no method "${name}"; its methods are ${methods.join(', ')}.` : `${group} has no method "${name}"; it has fields only: ${Object.keys(FEATURES[group]).join(', ')}.`;
}

/** A whole-number literal (`30`, `-5`), or undefined for anything else. */
function literalInt(node: ASTNode): number | undefined {
  if (node.op === 'value' && typeof node.args === 'bigint') return Number(node.args);
  if (node.op === '-_' && node.args.op === 'value' && typeof node.args.args === 'bigint') return -Number(node.args.args);
  return undefined;
}

/**
 * The value of an integer expression of literals alone (`0`, `0u`, `2 - 2`, `-(3 * 0)`), or
 * undefined for anything else (a feature, a double, a division: those the walk checks itself).
 */
function constantInteger(node: ASTNode): bigint | undefined {
  if (node.op === 'value') {
    const value: unknown = node.args;
    if (typeof value === 'bigint') return value;
    // A uint literal (`0u`): cel-js's UnsignedInt, whose valueOf is its bigint.
    const unsigned = typeof value === 'object' && value !== null ? value.valueOf() : undefined;
    return typeof unsigned === 'bigint' ? unsigned : undefined;
  }
  if (node.op === '-_') {
    const operand = constantInteger(node.args);
    return operand === undefined ? undefined : -operand;
  }
  if (node.op === '+' || node.op === '-' || node.op === '*') {
    const a = constantInteger(node.args[0]);
    const b = constantInteger(node.args[1]);
    if (a === undefined || b === undefined) return undefined;
    return node.op === '+' ? a + b : node.op === '-' ? a - b : a * b;
  }
  return undefined;
}

/** A string literal's text, or undefined. */
function literalText(node: ASTNode): string | undefined {
  return node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;
}

/**
 * Refuses `lifecycle.stage == "lapse"`, `"shop" in journey.channels`, `lifecycle.stage in
 * ["lapsed", "gone"]`: a comparison of a feature that takes few values with a literal it never
 * takes, which would silently never match.
 */
function checkLiteralValues(
  op: '==' | '!=' | 'in',
  left: ASTNode,
  right: ASTNode,
  groupOf: (n: ASTNode) => FeatureGroup | undefined,
  problems: string[],
): void {
  const valuesOf = (node: ASTNode): { usage: string; values: readonly string[] } | undefined => {
    if (node.op !== '.' && node.op !== '.?') return undefined;
    const group = groupOf(node.args[0]);
    const feature = group === undefined ? undefined : featureOf(group, node.args[1]);
    return feature?.kind === 'field' && feature.values ? { usage: `${group}.${node.args[1]}`, values: feature.values } : undefined;
  };
  const check = (usage: string, values: readonly string[], literal: string | undefined): void => {
    if (literal !== undefined && !values.includes(literal)) problems.push(`${usage} is never "${literal}"; its values are ${values.map((v) => `"${v}"`).join(', ')}.`);
  };
  if (op === 'in') {
    const inList = valuesOf(right);
    if (inList) check(inList.usage, inList.values, literalText(left));
    const item = valuesOf(left);
    if (item && right.op === 'list') for (const element of right.args) check(item.usage, item.values, literalText(element));
    return;
  }
  const a = valuesOf(left);
  if (a) check(a.usage, a.values, literalText(right));
  const b = valuesOf(right);
  if (b) check(b.usage, b.values, literalText(left));
}
