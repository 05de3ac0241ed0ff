/**
 * `npm run attack` is not part of `npm test`; this checks that its reduced mode (`--smoke`) starts
 * the silos and a gateway, goes through every case, prints one line per case with a figure, and
 * exits 0.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ATTACK_CASES } from '../bench/attack-cases.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('npm run attack -- --smoke', () => {
  it('prints one line per case, each with a figure, in order, and exits 0', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'attack.ts'), '--smoke'], { cwd: REPO, timeout: 90_000 }, (_error, out) =>
        resolve({ code: child.exitCode, stdout: out }),
      );
    });
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.startsWith('attack ') && !l.startsWith('attack done'));
    expect(lines.map((l) => /^attack ([a-z0-9-]+):/.exec(l)?.[1])).toEqual([...ATTACK_CASES]);
    for (const l of lines) expect(l, l).toMatch(/: .*\d/);
    expect(lines.find((l) => l.startsWith('attack health-hits:'))).toMatch(/silo calls crm \d+, loyalty \d+, commerce \d+, analytics \d+$/);
    expect(lines.find((l) => l.startsWith('attack throughput:'))).toMatch(/healthy \d+ req\/s, loyalty hung \d+ req\/s/);
  }, 100_000);
});
