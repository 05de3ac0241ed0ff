/**
 * Enforces the schema's access rules (`@authenticated`, `@requiresScopes`, schema/access.graphql)
 * in the gateway itself: a field the request's grant may not read is null with a FORBIDDEN error
 * at its path, and the rest of the answer stands. Also the walk that proves every field reachable
 * from Query and Mutation has a rule in effect ({@link scopeRuleProblems}).
 *
 * Only fields that carry a rule are wrapped (a few dozen): the others, and every field of a
 * request allowed through, cost nothing more. The check is a Set lookup per scope of the rule.
 * A field under a guarded field is not checked again: graphql-js never resolves it when its
 * parent is null.
 */
import {
  defaultFieldResolver,
  GraphQLError,
  Kind,
  type DirectiveNode,
  type FieldDefinitionNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type TypeNode,
} from 'graphql';
import { allows, bothAlternatives, describeAlternatives, parseScopeAlternatives, satisfiedAlternative, type FieldRule, type ScopeAlternatives } from '../access/rules.js';
import type { AccessGrant, Scope } from '../access/scopes.js';
import { ErrorCode } from '../shared/errors.js';
import type { RequestContext } from './context.js';

const AUTHENTICATED = 'authenticated';
const NO_SCOPE: readonly Scope[] = [];
const REQUIRES_SCOPES = 'requiresScopes';

/**
 * The rule a field declares itself (not the ones it is under), or null when it has none.
 *
 * Read from the SDL's syntax tree, not with graphql-js's `getDirectiveValues` and `is*Type`:
 * those check classes, and the schema may come from another copy of graphql-js than this module's
 * (makeExecutableSchema's CommonJS one beside our ES module one, as under vitest).
 * @throws Error when a scope is unknown or a list empty (see parseScopeAlternatives), or when
 *   `scopes` is not a list of lists of strings.
 */
export function ownRule(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): FieldRule | null {
  return ruleOfNode(`${type.name}.${field.name}`, field.astNode);
}

function ruleOfNode(where: string, node: FieldDefinitionNode | null | undefined): FieldRule | null {
  const directives = node?.directives ?? [];
  const authenticated = directives.some((d) => d.name.value === AUTHENTICATED);
  const requires = directives.find((d) => d.name.value === REQUIRES_SCOPES);
  const scopes = requires ? parseScopeAlternatives(scopesArgument(requires, where), where) : null;
  return authenticated || scopes ? { authenticated, scopes } : null;
}

function scopesArgument(node: DirectiveNode, where: string): string[][] {
  const value = node.arguments?.find((argument) => argument.name.value === 'scopes')?.value;
  const shape = `${where}: @requiresScopes(scopes:) must be a list of lists of scope names, e.g. [["pii:read"]].`;
  if (value?.kind !== Kind.LIST) throw new Error(shape);
  return value.values.map((alternative) => {
    if (alternative.kind !== Kind.LIST) throw new Error(shape);
    return alternative.values.map((scope) => {
      if (scope.kind !== Kind.STRING) throw new Error(shape);
      return scope.value;
    });
  });
}

/**
 * Whether the guard will let `grant` resolve the field `coordinate` (`Type.field`) by its own
 * rule, as {@link guardFields} checks it: for work a resolver starts ahead of graphql-js reaching
 * that field (the whole histories of a `journeySummary`, started with its customer), so that no
 * silo is read for a field the client will be refused. False for a coordinate the schema does not
 * have. The rules are read once per schema.
 */
export function guardAllows(schema: GraphQLSchema, coordinate: string, grant: AccessGrant): boolean {
  let rules = RULES_BY_SCHEMA.get(schema);
  if (rules === undefined) RULES_BY_SCHEMA.set(schema, (rules = new Map()));
  let rule = rules.get(coordinate);
  if (rule === undefined) {
    const [typeName, fieldName] = coordinate.split('.') as [string, string | undefined];
    const type = schema.getType(typeName);
    const field = type?.astNode?.kind === Kind.OBJECT_TYPE_DEFINITION && fieldName !== undefined ? (type as GraphQLObjectType).getFields()[fieldName] : undefined;
    rule = field === undefined ? 'unknown' : ownRule(type as GraphQLObjectType, field);
    rules.set(coordinate, rule);
  }
  return rule !== 'unknown' && (rule === null || allows(grant, rule));
}

const RULES_BY_SCHEMA = new WeakMap<GraphQLSchema, Map<string, FieldRule | null | 'unknown'>>();

/** Every field's own rule, by `Type.field`. */
export function ownRules(schema: GraphQLSchema): Map<string, FieldRule> {
  const rules = new Map<string, FieldRule>();
  for (const type of objectTypes(schema)) {
    for (const field of Object.values(type.getFields())) {
      const rule = ownRule(type, field);
      if (rule) rules.set(`${type.name}.${field.name}`, rule);
    }
  }
  return rules;
}

/**
 * Wraps the resolver of every field that declares a rule, in place, and returns the schema.
 * Built once at start (server.ts), on the schema makeExecutableSchema made.
 * @throws Error at start when a rule names an unknown scope, or when a type (not a field) carries
 *   one: federation allows that, but this gateway enforces field rules only, and a rule it would
 *   not enforce must not sit in the schema looking as if it did.
 */
export function guardFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const node = type.astNode;
    if (node?.directives?.some((d) => d.name.value === AUTHENTICATED || d.name.value === REQUIRES_SCOPES)) {
      throw new Error(`${type.name}: @${AUTHENTICATED} and @${REQUIRES_SCOPES} are enforced on fields only; move the rule to the fields that return or hold ${type.name}.`);
    }
  }
  for (const type of objectTypes(schema)) {
    for (const field of Object.values(type.getFields())) {
      const rule = ownRule(type, field);
      if (rule) field.resolve = guarded(`${type.name}.${field.name}`, rule, field.resolve ?? defaultFieldResolver);
    }
  }
  return schema;
}

function guarded(coordinate: string, rule: FieldRule, resolve: GraphQLFieldResolver<unknown, RequestContext>): GraphQLFieldResolver<unknown, RequestContext> {
  const { authenticated, scopes } = rule;
  const forbiddenScopes = scopes ? forbidden(coordinate, scopes) : null;
  const forbiddenAnonymous = new GraphQLError(
    `${coordinate} needs credentials (a bearer token or an API key): anonymous clients may not read it.`,
    { extensions: { code: ErrorCode.FORBIDDEN, ...(scopes ? { requiredScopes: scopes } : {}) } },
  );
  // One error per field, made once: graphql-js locates a thrown error by wrapping it in a new
  // one with the path (locatedError), and never changes the one thrown.
  // A refused admin operation is worth a warn line (who tried); a refused read is not (the
  // client's error says it, and the access log tells what was read).
  const admin = scopes?.some((alternative) => alternative.includes('admin')) ?? false;
  return (source, args, ctx, info) => {
    const grant = ctx.access;
    const used = scopes === null ? NO_SCOPE : satisfiedAlternative(grant, scopes);
    if (used === null) {
      if (admin) ctx.services.logger.warn('admin operation refused', { reason: 'no admin scope', operation: coordinate, client: grant.client, kind: grant.kind });
      throw forbiddenScopes!;
    }
    if (authenticated && grant.kind === 'anonymous') {
      if (admin) ctx.services.logger.warn('admin operation refused', { reason: 'anonymous client', operation: coordinate, client: grant.client, kind: grant.kind });
      throw forbiddenAnonymous;
    }
    for (const scope of used) ctx.audit.scopesUsed.add(scope);
    if (!used.includes('pii:read')) return resolve(source, args, ctx, info);
    return notePiiRead(resolve(source, args, ctx, info), ctx, info);
  };
}

/** The FORBIDDEN error of a field: the scopes it needs, never a value. */
function forbidden(coordinate: string, scopes: ScopeAlternatives): GraphQLError {
  const one = scopes.length === 1 && scopes[0]!.length === 1;
  return new GraphQLError(`${coordinate} needs ${one ? 'the scope' : 'the scopes'} ${describeAlternatives(scopes)}, which this client does not hold.`, {
    extensions: { code: ErrorCode.FORBIDDEN, requiredScopes: scopes },
  });
}

/** The value, after noting in the access record that personal data answered (null, [] and an Error are not an answer). */
function notePiiRead(value: unknown, ctx: RequestContext, info: GraphQLResolveInfo): unknown {
  if (value instanceof Promise) {
    return value.then((settled: unknown) => {
      if (answered(settled)) ctx.audit.piiRead(info);
      return settled;
    });
  }
  if (answered(value)) ctx.audit.piiRead(info);
  return value;
}

function answered(value: unknown): boolean {
  return value !== null && value !== undefined && !(value instanceof Error) && !(Array.isArray(value) && value.length === 0);
}

/**
 * What is wrong with the schema's rules, as sentences; empty when nothing is. Walks every field
 * reachable from Query and Mutation:
 * - a field must have a scope rule in effect: its own `@requiresScopes`, or the one of the field
 *   it is reached under, when that rule is a single set of scopes. A rule with alternatives
 *   (`Query.customer` takes any read scope) is not passed down: every field of the type it
 *   returns states its own, so that a field added later cannot ship readable by every client.
 *   `@authenticated` alone is not a scope rule;
 * - a field with its own rule must be nullable: a FORBIDDEN null on a non-null field would wipe
 *   its parent, and the rest of the answer with it.
 */
export function scopeRuleProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const visit = (type: GraphQLObjectType, inherited: ScopeAlternatives | null, via: string): void => {
    const key = `${type.name}|${JSON.stringify(inherited)}`;
    if (seen.has(key)) return;
    seen.add(key);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const own = ownRule(type, field);
      if (own && field.astNode?.type.kind === Kind.NON_NULL_TYPE) problems.push(`${coordinate} has an access rule but is non-null: make it nullable, so that a FORBIDDEN null does not wipe ${type.name}.`);
      if (!own?.scopes && inherited === null) problems.push(`${coordinate} (reached by ${via}) has no scope rule: give it @requiresScopes.`);
      const effective = bothAlternatives(inherited, own?.scopes ?? null);
      const passedDown = own?.scopes ? (own.scopes.length === 1 ? effective : null) : inherited;
      const named = objectType(schema, field.astNode?.type);
      if (named) visit(named, passedDown, coordinate);
    }
  };
  for (const root of [schema.getQueryType(), schema.getMutationType()]) {
    if (root) visit(root, null, root.name);
  }
  return problems;
}

/**
 * The scopes a field at the end of `coordinates` (the fields from the root down, as `Type.field`)
 * needs, all rules on the way combined; null when none. For tests that check an answer against
 * the rules.
 */
export function effectiveScopes(rules: ReadonlyMap<string, FieldRule>, coordinates: readonly string[]): ScopeAlternatives | null {
  let effective: ScopeAlternatives | null = null;
  for (const coordinate of coordinates) effective = bothAlternatives(effective, rules.get(coordinate)?.scopes ?? null);
  return effective;
}

/** The schema's object types (by their definition's kind: see ownRule for why not isObjectType). */
function objectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  return Object.values(schema.getTypeMap()).filter((type): type is GraphQLObjectType => type.astNode?.kind === Kind.OBJECT_TYPE_DEFINITION);
}

/** The object type a field's type names (through lists and non-null), or undefined for a scalar or an enum. */
function objectType(schema: GraphQLSchema, node: TypeNode | undefined): GraphQLObjectType | undefined {
  if (!node) return undefined;
  if (node.kind !== Kind.NAMED_TYPE) return objectType(schema, node.type);
  const type = schema.getType(node.name.value);
  return type?.astNode?.kind === Kind.OBJECT_TYPE_DEFINITION ? (type as GraphQLObjectType) : undefined;
}
