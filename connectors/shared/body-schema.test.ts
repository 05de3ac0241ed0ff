import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/shared/errors.js';
import { readBody, z } from './body-schema.js';

const complain = (problem: string) => new SourceError('SOURCE_BAD_RESPONSE', 'crm', `bad: ${problem}`, { problem });

const contacts = z.object({
  results: z.array(z.object({ id: z.string().regex(/^\d+$/, 'must be a HubSpot id (digits)'), properties: z.object({ email: z.string().nullish() }) })),
});

describe('readBody', () => {
  it('returns the body typed when it has the documented shape', () => {
    const body = { results: [{ id: '101', properties: { email: 'anna@example.com' } }] };
    expect(readBody(contacts, body, complain).results[0]!.properties.email).toBe('anna@example.com');
  });

  it('names each wrong field by its path and what was expected, never the value', () => {
    const body = { results: [{ id: 'secret-id', properties: { email: 42 } }, 'anna@example.com'] };
    const error = (() => {
      try {
        readBody(contacts, body, complain);
      } catch (e) {
        return e as SourceError;
      }
      throw new Error('readBody accepted a body without the documented shape');
    })();
    expect(error.detail.problem).toBe(
      'results[0].id: must be a HubSpot id (digits); results[0].properties.email: expected string, received number; results[1]: expected object, received string',
    );
    expect(error.message).not.toContain('secret-id');
    expect(error.message).not.toContain('anna@example.com');
  });

  it('lists three problems and counts the rest', () => {
    const body = { results: [1, 2, 3, 4, 5].map(() => null) };
    expect(() => readBody(contacts, body, complain)).toThrow(/results\[2\]: expected object, received null; and 2 more problems$/);
  });

  it('calls the root "the body"', () => {
    expect(() => readBody(contacts, 'not json object', complain)).toThrow('bad: the body: expected object, received string');
  });
});
