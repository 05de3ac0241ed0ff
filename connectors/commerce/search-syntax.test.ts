import { describe, expect, it } from 'vitest';
import { SearchSyntaxError, anyOf, fieldTerm, parseSearchQuery, quoteValue } from './search-syntax.js';
import { prefixTerm } from './search-syntax.js';

const term = (field: string | null, value: string, comparator = ':') => ({ kind: 'term', field, comparator, value });

describe('Shopify search syntax', () => {
  it('reads OR-ed field terms, the form the connector sends', () => {
    expect(parseSearchQuery('email:anna@example.com OR phone:+33612345678')).toEqual({
      kind: 'or',
      children: [term('email', 'anna@example.com'), term('phone', '+33612345678')],
    });
  });

  it('implies AND between terms and binds it tighter than OR', () => {
    expect(parseSearchQuery('first_name:Bob last_name:Norman OR state:disabled')).toEqual({
      kind: 'or',
      children: [
        { kind: 'and', children: [term('first_name', 'Bob'), term('last_name', 'Norman')] },
        term('state', 'disabled'),
      ],
    });
    expect(parseSearchQuery('a AND (b OR c)')).toEqual({
      kind: 'and',
      children: [term(null, 'a'), { kind: 'or', children: [term(null, 'b'), term(null, 'c')] }],
    });
  });

  it('reads the documented modifiers and comparators', () => {
    expect(parseSearchQuery('-first_name:Bob AND orders_count:>3 orders_count:<=4')).toEqual({
      kind: 'and',
      children: [
        { kind: 'not', child: term('first_name', 'Bob') },
        term('orders_count', '3', ':>'),
        term('orders_count', '4', ':<='),
      ],
    });
    expect(parseSearchQuery('NOT tag:vip')).toEqual({ kind: 'not', child: term('tag', 'vip') });
  });

  it('takes quoted values and escaped characters literally', () => {
    expect(parseSearchQuery(`email:'o"neil@example.com'`)).toEqual(term('email', 'o"neil@example.com'));
    expect(parseSearchQuery('first_name:Jean\\ Luc')).toEqual(term('first_name', 'Jean Luc'));
    const awkward = 'a "quoted" \\ value OR x:y';
    expect(parseSearchQuery(fieldTerm('email', awkward))).toEqual(term('email', awkward));
    expect(quoteValue('plain')).toBe('"plain"');
  });

  it('joins terms with OR', () => {
    expect(anyOf([fieldTerm('email', 'a@b.c'), fieldTerm('phone', '+1')])).toBe('email:"a@b.c" OR phone:"+1"');
  });

  it('rejects what is not the grammar, saying where', () => {
    for (const bad of ['email:"open', '(email:a OR b', 'email:', ':value', 'a OR ', 'a)', 'a\\']) {
      expect(() => parseSearchQuery(bad), bad).toThrow(SearchSyntaxError);
    }
    expect(() => parseSearchQuery('email:"open')).toThrow('Invalid search query at character 12: a closing quote is missing.');
  });
});

describe('prefix queries', () => {
  it('writes a prefix term with its special characters escaped, and reads it back as a prefix', () => {
    const term = prefixTerm('email', 'francois.masson19+');
    expect(term).toBe('email:francois.masson19\\+*');
    expect(parseSearchQuery(`${term} OR email:"a@b.fr"`)).toEqual({
      kind: 'or',
      children: [
        { kind: 'term', field: 'email', comparator: ':', value: 'francois.masson19+', prefix: true },
        { kind: 'term', field: 'email', comparator: ':', value: 'a@b.fr' },
      ],
    });
  });

  it('reads an escaped or quoted star as a literal character', () => {
    expect(parseSearchQuery('email:a\\*')).toEqual({ kind: 'term', field: 'email', comparator: ':', value: 'a*' });
    expect(parseSearchQuery('email:"a*"')).toEqual({ kind: 'term', field: 'email', comparator: ':', value: 'a*' });
  });
});
