/**
 * Shopify's search syntax (https://shopify.dev/docs/api/usage/search-syntax), both ways: the
 * client writes `email:"a@b.com" OR phone:"+33612345678"`, the simulator parses it.
 *
 * Grammar, as documented:
 *   Query      = Term { [ whitespace Connective ] whitespace Term }    (no connective means AND)
 *   Connective = "AND" | "OR"
 *   Term       = [ Modifier ] ( "(" Query ")" | [ name Comparator ] value )
 *   Modifier   = "-" (no whitespace after) | "NOT" whitespace
 *   Comparator = ":" | ":<" | ":>" | ":<=" | ":>="
 *   value      = a name, or a single- or double-quoted string; `\` escapes the next character;
 *                a bare value ending with an unescaped `*` is a prefix query (`email:anna+*`)
 * AND binds tighter than OR, as in Shopify's own examples.
 */

export type Comparator = ':' | ':<' | ':>' | ':<=' | ':>=';

export type SearchNode =
  | { kind: 'or'; children: SearchNode[] }
  | { kind: 'and'; children: SearchNode[] }
  | { kind: 'not'; child: SearchNode }
  /** `field` is null for a bare value (a full-text term). */
  | {
      kind: 'term';
      field: string | null;
      comparator: Comparator;
      value: string;
      /** The bare value ended with an unescaped `*`: a prefix query for `value` (without the `*`). */
      prefix?: true;
    };

/** The query is not valid search syntax; `message` says where. */
export class SearchSyntaxError extends Error {
  override readonly name = 'SearchSyntaxError';
}

/** A value in double quotes, `"` and `\` escaped, so that every character in it is literal. */
export function quoteValue(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** `email:"anna@example.com"`. */
export function fieldTerm(field: string, value: string): string {
  return `${field}:${quoteValue(value)}`;
}

/**
 * `email:francois.masson19\+*`: a prefix query (Shopify: a `*` at the end of a value matches any
 * value that starts with it). The value cannot be quoted (a quoted `*` is literal), so each
 * special character is escaped with `\`.
 */
export function prefixTerm(field: string, prefix: string): string {
  return `${field}:${prefix.replace(/[\s()"':\\*+-]/g, (c) => `\\${c}`)}*`;
}

/** Terms joined so that a record matching any of them is found. */
export function anyOf(terms: readonly string[]): string {
  return terms.join(' OR ');
}

/** Parses a query; throws SearchSyntaxError when it is not valid search syntax. */
export function parseSearchQuery(text: string): SearchNode {
  const parser = new Parser(text);
  const node = parser.query();
  parser.expectEnd();
  return node;
}

const WHITESPACE = /\s/;
/** Characters that end a bare name or value unless escaped with `\`. */
const NAME_STOP = /[\s()"':]/;
/** After a comparator, a bare value may hold `:` (times); it still ends at whitespace or a paren. */
const VALUE_STOP = /[\s()"']/;
const COMPARATORS: readonly Comparator[] = [':<=', ':>=', ':<', ':>', ':'];

class Parser {
  private pos = 0;
  constructor(private readonly text: string) {}

  query(): SearchNode {
    const alternatives = [this.conjunction()];
    while (this.skipWhitespace() && this.keyword('OR')) alternatives.push(this.conjunction());
    return alternatives.length === 1 ? alternatives[0]! : { kind: 'or', children: alternatives };
  }

  expectEnd(): void {
    this.skipWhitespace();
    if (this.pos < this.text.length) this.fail(`unexpected "${this.text[this.pos]}"`);
  }

  private conjunction(): SearchNode {
    const terms = [this.term()];
    for (;;) {
      this.skipWhitespace();
      if (this.atEnd() || this.peek() === ')' || this.lookingAtKeyword('OR')) break;
      this.keyword('AND');
      terms.push(this.term());
    }
    return terms.length === 1 ? terms[0]! : { kind: 'and', children: terms };
  }

  private term(): SearchNode {
    this.skipWhitespace();
    if (this.atEnd()) this.fail('a term is missing');
    if (this.peek() === '-' && !WHITESPACE.test(this.text[this.pos + 1] ?? ' ')) {
      this.pos += 1;
      return { kind: 'not', child: this.primary() };
    }
    if (this.keyword('NOT')) return { kind: 'not', child: this.primary() };
    return this.primary();
  }

  private primary(): SearchNode {
    this.skipWhitespace();
    if (this.peek() === '(') {
      this.pos += 1;
      const inner = this.query();
      this.skipWhitespace();
      if (this.peek() !== ')') this.fail('a ")" is missing');
      this.pos += 1;
      return inner;
    }
    if (this.peek() === '"' || this.peek() === "'") {
      return { kind: 'term', field: null, comparator: ':', value: this.quoted() };
    }
    const name = this.bare(NAME_STOP);
    if (this.peek() !== ':') {
      if (name === '') this.fail(`unexpected "${this.peek()}"`);
      return { kind: 'term', field: null, comparator: ':', value: name };
    }
    if (name === '') this.fail('a field name is missing before ":"');
    const comparator = this.comparator();
    if (this.peek() === '"' || this.peek() === "'") {
      const quotedValue = this.quoted();
      if (quotedValue === '') this.fail(`the value of "${name}" is missing`);
      return { kind: 'term', field: name, comparator, value: quotedValue };
    }
    const start = this.pos;
    const value = this.bare(VALUE_STOP);
    if (value === '') this.fail(`the value of "${name}" is missing`);
    // A trailing `*` not escaped (the raw text does not end with `\*`) makes a prefix query.
    const raw = this.text.slice(start, this.pos);
    if (value.length > 1 && raw.endsWith('*') && !/(^|[^\\])(\\\\)*\\\*$/.test(raw)) {
      return { kind: 'term', field: name, comparator, value: value.slice(0, -1), prefix: true };
    }
    return { kind: 'term', field: name, comparator, value };
  }

  private comparator(): Comparator {
    const found = COMPARATORS.find((c) => this.text.startsWith(c, this.pos));
    // ":" always matches, since primary() only calls this when it sees one.
    this.pos += found!.length;
    return found!;
  }

  private quoted(): string {
    const quote = this.peek();
    this.pos += 1;
    let value = '';
    while (!this.atEnd() && this.peek() !== quote) value += this.character();
    if (this.atEnd()) this.fail('a closing quote is missing');
    this.pos += 1;
    return value;
  }

  private bare(stop: RegExp): string {
    let value = '';
    while (!this.atEnd() && !stop.test(this.peek())) value += this.character();
    return value;
  }

  /** One character of a name or value, an escaped one taken literally. */
  private character(): string {
    const c = this.text[this.pos++]!;
    if (c !== '\\') return c;
    if (this.atEnd()) this.fail('nothing follows "\\"');
    return this.text[this.pos++]!;
  }

  /** Consumes an upper-case keyword followed by whitespace; connectives are case-sensitive. */
  private keyword(word: string): boolean {
    if (!this.lookingAtKeyword(word)) return false;
    this.pos += word.length;
    return true;
  }

  private lookingAtKeyword(word: string): boolean {
    return this.text.startsWith(word, this.pos) && WHITESPACE.test(this.text[this.pos + word.length] ?? '');
  }

  /** Skips whitespace; returns true so that it can lead a condition. */
  private skipWhitespace(): true {
    while (!this.atEnd() && WHITESPACE.test(this.peek())) this.pos += 1;
    return true;
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private fail(problem: string): never {
    throw new SearchSyntaxError(`Invalid search query at character ${this.pos + 1}: ${problem}.`);
  }
}
