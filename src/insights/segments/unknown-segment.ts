/**
 * The error of `Customer.inSegment(name:)` for a name no segment has (pure): BAD_USER_INPUT
 * listing the segments, so that a client sees what it can ask.
 */
import type { GraphQLError } from 'graphql';
import { badUserInput } from '../../shared/errors.js';
import type { CompiledSegment } from './compile.js';

/**
 * The segment named `name` (exactly, case included), or the BAD_USER_INPUT error to return:
 * its message lists the segments' names (or says none are configured, and how to configure
 * them), and `extensions.segments` holds the names for a program.
 *
 * @example
 *   findSegment(segments, 'vip') // the segment, or GraphQLError('Unknown segment "vip". The segments are: goldMembers, lapsed.')
 */
export function findSegment(segments: readonly CompiledSegment[], name: string): CompiledSegment | GraphQLError {
  return segments.find((s) => s.name === name) ?? unknownSegment(name, segments.map((s) => s.name));
}

/** BAD_USER_INPUT for an unknown segment name; the name is shown cut to 64 characters (the longest a name can be). */
export function unknownSegment(name: string, known: readonly string[]): GraphQLError {
  const asked = JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
  const message =
    known.length === 0
      ? `Unknown segment ${asked}: no segments are configured (the SEGMENTS_FILE setting names their file).`
      : `Unknown segment ${asked}. The segments are: ${known.join(', ')}.`;
  return badUserInput(message, { segments: [...known] });
}
