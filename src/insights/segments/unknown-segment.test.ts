import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileSegments } from './compile.js';
import { findSegment, unknownSegment } from './unknown-segment.js';

describe('the unknown segment error', () => {
  const compiled = compileSegments([
    { name: 'goldOrPlatinum', description: 'Gold and Platinum members.', rule: 'loyalty.tier in ["Gold", "Platinum"]' },
    { name: 'lapsed', description: 'Lapsed customers.', rule: 'lifecycle.stage == "lapsed"' },
  ]);
  const segments = compiled.ok ? compiled.segments : [];

  it('finds a segment by its exact name', () => {
    expect(findSegment(segments, 'lapsed')).toBe(segments[1]);
  });

  it('is BAD_USER_INPUT listing the segments, for a name no segment has, case included', () => {
    const error = findSegment(segments, 'Lapsed');
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).message).toBe('Unknown segment "Lapsed". The segments are: goldOrPlatinum, lapsed.');
    expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', segments: ['goldOrPlatinum', 'lapsed'] });
  });

  it('says how to configure segments when there are none, and cuts a long name', () => {
    expect(unknownSegment(`${'x'.repeat(70)}`, []).message).toBe(`Unknown segment "${'x'.repeat(64)}…": no segments are configured (the SEGMENTS_FILE setting names their file).`);
  });
});
