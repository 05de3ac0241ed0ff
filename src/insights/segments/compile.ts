/**
 * Segments: named rules over the feature object, compiled once when loaded and evaluated per
 * customer (pure). A rule is a CEL expression (Common Expression Language,
 * github.com/google/cel-spec): safe (no loops, no I/O, no `eval`: it only reads the features),
 * and type-checked at load against the catalogue (catalogue.ts), so that a misspelt feature, a
 * text compared to a number or a rule that does not give true or false stops the start.
 *
 * Unknown values. CEL has no null propagation: reading a feature that is unknown (absent: a silo
 * failed, no model is loaded, a customer who never bought has no recency) is an error. As CEL's
 * `&&` and `||` do (cel-spec doc/langdef.md, "Logical Operators": commutative, an error is
 * absorbed when the other side decides), `rfm.recencyDays > 90 || loyalty.tier == "Gold"` is
 * true for a Gold member without a recency; when the error decides the result, the segment's
 * outcome is `unknown` and the customer is not in the segment. A rule can say what an unknown
 * value means itself: `has(rfm.recencyDays)` tests it, `rfm.?recencyDays.orValue(0)` gives it
 * a default.
 */
import { type ASTNode, type ParseResult, type TypeError as CelTypeError, ParseError } from '@marcbachmann/cel-js';
import { featureOf, FEATURE_GROUPS, featureUsage, isFeatureGroup } from './catalogue.js';
import { needsOf, ruleReads, type SegmentNeeds } from './dependencies.js';
import { segmentEnvironment } from './environment.js';
import type { SegmentFeatures } from './features.js';

/** A segment as configuration gives it. */
export interface SegmentDefinition {
  /** Its identifier: see {@link SEGMENT_NAME}. */
  name: string;
  /** What it means, for people (`Query.segments`). */
  description: string;
  /** A CEL expression over the features that gives true or false. */
  rule: string;
}

/** A segment ready to evaluate. */
export interface CompiledSegment {
  readonly name: string;
  readonly description: string;
  readonly rule: string;
  /** What evaluating it needs: the feature groups to compute, the streams to read, the silos. */
  readonly needs: SegmentNeeds;
  /** The type-checked program (cel-js). Call through {@link evaluateSegment}. */
  readonly program: ParseResult;
}

/**
 * A segment's name: a letter, then letters, digits, `_` or `-`, at most 64 characters
 * (`highValueSlowingDown`, `store-regulars`). Names are unique, and two names may not differ by
 * case alone (`inSegment(name:)` matches the exact name; a near twin would be a trap).
 */
export const SEGMENT_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The longest description and rule accepted, in characters. */
export const SEGMENT_LIMITS = { description: 500, rule: 2000 } as const;

export type CompileResult = { ok: true; segments: CompiledSegment[] } | { ok: false; errors: string[] };

/**
 * Compiles the segments, in order: each name checked, each rule parsed, its features checked
 * against the catalogue, type-checked, and its needs derived. Every problem is listed, one
 * sentence each starting with the segment (`segment "vip": …`), saying what is accepted.
 *
 * @example
 *   compileSegments([{ name: 'gold', description: 'Gold members', rule: 'loyalty.tier == "Gold"' }])
 *   // { ok: true, segments: [{ name: 'gold', needs: { silos: ['loyalty'], streams: ['loyalty.members'], … }, … }] }
 */
export function compileSegments(definitions: readonly SegmentDefinition[]): CompileResult {
  const errors: string[] = [];
  const segments: CompiledSegment[] = [];
  const seen = new Map<string, string>();
  definitions.forEach((definition, index) => {
    const label = SEGMENT_NAME.test(definition.name) ? `segment "${definition.name}"` : `segment ${index + 1}`;
    const problems: string[] = [];
    if (!SEGMENT_NAME.test(definition.name)) {
      problems.push(`name ${JSON.stringify(definition.name).slice(0, 80)} is not accepted: a letter, then letters, digits, "_" or "-", at most 64 characters.`);
    } else {
      const twin = seen.get(definition.name.toLowerCase());
      if (twin !== undefined) problems.push(twin === definition.name ? 'the name is used twice; names are unique.' : `the name differs from "${twin}" by case alone; names must differ by more.`);
      else seen.set(definition.name.toLowerCase(), definition.name);
    }
    if (definition.description.trim() === '') problems.push('the description is empty; say what the segment means.');
    else if (definition.description.length > SEGMENT_LIMITS.description) problems.push(`the description has ${definition.description.length} characters; at most ${SEGMENT_LIMITS.description}.`);
    const compiled = compileRule(definition.rule);
    if (!compiled.ok) problems.push(...compiled.problems);
    if (problems.length > 0) {
      errors.push(...problems.map((p) => `${label}: ${p}`));
      return;
    }
    if (compiled.ok) segments.push({ name: definition.name, description: definition.description.trim(), rule: definition.rule, needs: compiled.needs, program: compiled.program });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, segments };
}

/** A compiled rule, or its problems (sentences without the segment's name). */
export type CompiledRule = { ok: true; program: ParseResult; needs: SegmentNeeds } | { ok: false; problems: string[] };

/** Parses and type-checks one rule and derives what it needs. */
export function compileRule(rule: string): CompiledRule {
  if (rule.trim() === '') return { ok: false, problems: ['the rule is empty; write a CEL expression that gives true or false, e.g. loyalty.tier == "Gold".'] };
  if (rule.length > SEGMENT_LIMITS.rule) return { ok: false, problems: [`the rule has ${rule.length} characters; at most ${SEGMENT_LIMITS.rule}.`] };
  let program: ParseResult;
  try {
    program = segmentEnvironment().parse(rule);
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, problems: [`the rule is not valid CEL: ${where(error.summary, error.range)}`] };
    throw error;
  }
  const reads = ruleReads(program.ast);
  if (!reads.ok) return { ok: false, problems: reads.problems.map((p) => `the rule: ${p}`) };
  const checked = program.check();
  if (!checked.valid) return { ok: false, problems: [`the rule does not type-check: ${typeProblem(checked.error!)}`] };
  if (checked.type !== 'bool') {
    return { ok: false, problems: [`the rule gives ${checked.type === 'dyn' ? 'a value of unknown type' : `a value of type ${checked.type}`}; it must give true or false (a bool), e.g. journey.purchases > 3.`] };
  }
  return { ok: true, program, needs: needsOf(reads.features) };
}

/** How a segment came out for one customer: in it, not in it, or unknown (the rule read an unknown value that decided it). */
export type SegmentOutcome = 'in' | 'out' | 'unknown';

/**
 * Evaluates a segment's rule on a customer's features. Never throws: an error while evaluating
 * (an unknown feature that decides the result, a window out of range computed by the rule) is
 * `unknown`. Costs about a microsecond for a rule of a few comparisons.
 */
export function segmentOutcome(segment: CompiledSegment, features: SegmentFeatures): SegmentOutcome {
  // The errors are expected and dropped: their stack traces, the costliest part of a failed
  // evaluation (about three quarters of it, measured on Node 20), are not collected.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return segment.program(features) === true ? 'in' : 'out';
  } catch {
    return 'unknown';
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** True when the customer is in the segment; an unknown outcome is false ({@link segmentOutcome}). */
export function evaluateSegment(segment: CompiledSegment, features: SegmentFeatures): boolean {
  return segmentOutcome(segment, features) === 'in';
}

/** The segments the customer is in, in the given order. */
export function segmentsOf(segments: readonly CompiledSegment[], features: SegmentFeatures): CompiledSegment[] {
  return segments.filter((segment) => evaluateSegment(segment, features));
}

/** A type error in words, with what is accepted where the catalogue knows it. */
function typeProblem(error: ParseError | CelTypeError): string {
  const node = error.node as ASTNode | undefined;
  let hint = '';
  if (error.code === 'unknown_variable') hint = ` A rule reads ${FEATURE_GROUPS.join(', ')} (README.md, "Segments", lists their features).`;
  else if (node?.op === 'rcall' && node.args[1].op === 'id' && isFeatureGroup(node.args[1].args)) {
    const group = node.args[1].args;
    const feature = featureOf(group, node.args[0]);
    if (feature?.kind === 'method') hint = ` It takes ${featureUsage(group, node.args[0], feature)} with ${feature.params.map((p) => `${p.name} a ${p.type === 'int' ? 'whole number' : 'text'}`).join(' and ')}.`;
  }
  return where(error.summary, error.range) + hint;
}

/** A problem and where in the rule it is: `Unknown variable: foo (at character 1)`. */
function where(summary: string, range: { start: number } | undefined): string {
  return range === undefined ? `${summary}.` : `${summary} (at character ${range.start + 1}).`;
}
