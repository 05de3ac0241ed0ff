/**
 * The layout is the architecture (../README.md, "Layout"): each capability has its room, a room
 * imports only from rooms below it, and the pure rooms do no I/O. This test reads every import of
 * every source file and fails on an arrow that points up, so that the folder list keeps telling
 * the data flow as the product grows. Tests are exempt: they sit above everything they test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The rooms, lowest first. A file belongs to the first room whose prefix its path starts with;
 * rooms of one level may import each other.
 */
const ROOMS: ReadonlyArray<{ prefix: string; level: number }> = [
  { prefix: 'src/generated/', level: 0 },
  { prefix: 'src/shared/', level: 0 },
  { prefix: 'connectors/', level: 1 },
  { prefix: 'src/identity/', level: 2 },
  { prefix: 'src/golden/', level: 2 },
  { prefix: 'src/journey/', level: 2 },
  { prefix: 'src/insights/', level: 2 },
  { prefix: 'src/access/', level: 2 },
  { prefix: 'src/graphql/', level: 3 },
  { prefix: 'src/server/', level: 4 },
  { prefix: 'src/main.ts', level: 5 },
  { prefix: 'demo/', level: 6 },
  { prefix: 'scripts/', level: 7 },
  { prefix: 'bench/', level: 7 },
  { prefix: 'test/', level: 7 },
];

/** Rooms of pure logic: functions of data, no network, file or process access. */
const PURE_ROOMS = ['src/identity/', 'src/golden/', 'src/journey/', 'src/insights/', 'src/access/'];
/** What a pure room may not import: I/O modules and the parts of connectors that do I/O. */
const IO_IMPORT = /^(node:(http|https|net|fs|fs\/promises|child_process|dgram|dns|worker_threads)|undici|dataloader)$|connectors\/(shared\/(silo-http|simulator)|(crm|loyalty|commerce|analytics)\/)/;

/**
 * The generated types name the resolver context and the parent types (codegen.yml `contextType`
 * and `mappers`): type-only arrows that the schema's types need, and the only ones allowed up.
 */
const ALLOWED_UP = new Set([
  'src/generated/graphql.ts -> connectors/types.ts',
  'src/generated/graphql.ts -> src/identity/resolved-customer.ts',
  'src/generated/graphql.ts -> src/journey/touchpoint.ts',
  'src/generated/graphql.ts -> src/graphql/context.ts',
  'src/generated/graphql.ts -> src/insights/customer-clv.ts',
  'src/generated/graphql.ts -> src/insights/segments/compile.ts',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : sourceFiles(path);
    return /\.m?ts$/.test(entry.name) && !/\.test\.m?ts$/.test(entry.name) ? [path] : [];
  });
}

function roomOf(file: string): { prefix: string; level: number } | undefined {
  return ROOMS.find((room) => file === room.prefix || file.startsWith(room.prefix));
}

/** Every module specifier a file imports or re-exports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);
}

function resolved(file: string, specifier: string): string {
  return normalize(join(dirname(file), specifier)).replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
}

const FILES = ['src', 'connectors', 'demo', 'scripts', 'bench', 'test'].flatMap(sourceFiles);

describe('the layout', () => {
  it('puts every source file in a room', () => {
    expect(FILES.filter((file) => roomOf(file) === undefined)).toEqual([]);
  });

  it('has no import from a room to a room above it', () => {
    const upward = FILES.flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => `${file} -> ${relative(ROOT, join(ROOT, resolved(file, specifier)))}`)
        .filter((arrow) => {
          const [from, to] = arrow.split(' -> ') as [string, string];
          return roomOf(to)!.level > roomOf(from)!.level && !ALLOWED_UP.has(arrow);
        }),
    );
    expect(upward).toEqual([]);
  });

  it('keeps the pure rooms free of I/O', () => {
    const io = FILES.filter((file) => PURE_ROOMS.some((room) => file.startsWith(room))).flatMap((file) =>
      importsOf(file)
        .map((specifier) => (specifier.startsWith('.') ? resolved(file, specifier) : specifier))
        .filter((target) => IO_IMPORT.test(target))
        .map((target) => `${file} -> ${target}`),
    );
    expect(io).toEqual([]);
  });
});
