/**
 * `npx tsx bench/profile-summary.ts bench/profiles/<run> [top]`: where a CPU profile written by
 * `npm run bench -- --profile` spends its time (the busiest thread's, given a directory): self
 * time by package or source folder, self and total time by function, as shares of busy time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, a folder of this repo, node's internals, or V8's own. */
export function categoryOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[1] ?? url.slice(5));
  const own = /\/(src|connectors|bench)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]!.split('/').slice(0, own[1] === 'src' ? 1 : 1).join('/')}`;
  return url;
}

export function summarize(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const label = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|src|connectors|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;

  let busy = 0;
  let idle = 0;
  const categories = new Map<string, number>();
  const selfByFn = new Map<string, number>();
  const totalByFn = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    busy += micros;
    const category = categoryOf(node.callFrame.url, node.callFrame.functionName);
    categories.set(category, (categories.get(category) ?? 0) + micros);
    selfByFn.set(label(node), (selfByFn.get(label(node)) ?? 0) + micros);
    // Total time: every distinct function on the stack gets this sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      totalByFn.set(l, (totalByFn.get(l) ?? 0) + micros);
    }
  }
  const pct = (micros: number): string => `${((100 * micros) / busy).toFixed(1).padStart(5)}%`;
  const rows = (map: Map<string, number>, n: number): string[] =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, micros]) => `  ${pct(micros)}  ${name}`);
  return [
    `busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`,
    'self time by package / folder:',
    ...rows(categories, 20),
    `self time by function (top ${top}):`,
    ...rows(selfByFn, top),
    `total time by function (top ${top}):`,
    ...rows(totalByFn, top),
  ].join('\n');
}

/** Self time per category (see {@link categoryOf}), idle excluded, in microseconds. */
export function selfByCategory(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const categories = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    const category = categoryOf(node.callFrame.url, node.callFrame.functionName);
    categories.set(category, (categories.get(category) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return categories;
}

/**
 * CPU time per answered request, by category, for several servers profiled over the same runs:
 * where one spends more than another. Rows are the `rows` categories the first server spends
 * most in, then everything else.
 */
export function compareProfiles(servers: ReadonlyArray<{ name: string; profile: Profile; requests: number }>, rows = 16): string {
  const perRequest = servers.map((s) => {
    const categories = selfByCategory(s.profile);
    const total = [...categories.values()].reduce((a, b) => a + b, 0);
    return { name: s.name, categories, total, requests: Math.max(1, s.requests) };
  });
  const first = perRequest[0];
  if (!first) return '';
  const top = [...first.categories].sort((a, b) => b[1] - a[1]).slice(0, rows).map(([c]) => c);
  const cell = (micros: number, requests: number): string => `${(micros / requests).toFixed(1)}`.padStart(10);
  const lines = [`${'µs of CPU per request'.padEnd(28)}${perRequest.map((p) => p.name.padStart(10)).join('')}`];
  for (const category of top) {
    lines.push(`${category.padEnd(28)}${perRequest.map((p) => cell(p.categories.get(category) ?? 0, p.requests)).join('')}`);
  }
  lines.push(
    `${'(everything else)'.padEnd(28)}${perRequest
      .map((p) => cell([...p.categories].filter(([c]) => !top.includes(c)).reduce((a, [, v]) => a + v, 0), p.requests))
      .join('')}`,
  );
  lines.push(`${'total'.padEnd(28)}${perRequest.map((p) => cell(p.total, p.requests)).join('')}`);
  return lines.join('\n');
}

/** The profile of a file, or of the busiest thread among the .cpuprofile files of a directory. */
export function loadBusiest(path: string): { file: string; profile: Profile } {
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f))
    : [path];
  const loaded = files.map((file) => {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
    const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
    const busy = profile.samples.reduce((sum, id, i) => sum + (idle.has(id) ? 0 : (profile.timeDeltas[i] ?? 0)), 0);
    return { file, profile, busy };
  });
  const best = loaded.sort((a, b) => b.busy - a.busy)[0];
  if (!best) throw new Error(`No .cpuprofile in ${path}.`);
  return best;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const [path, top] = process.argv.slice(2);
  if (!path) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile | directory> [top]');
    process.exit(2);
  }
  const { file, profile } = loadBusiest(path);
  console.log(`${file}\n${summarize(profile, Number(top ?? 25))}`);
}
