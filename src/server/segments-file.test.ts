import { describe, expect, it } from 'vitest';
import { loadSegments } from './segments-file.js';

const missing = (): Promise<string> => Promise.reject(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }));

describe('loadSegments', () => {
  it('gives no segments without the setting, and reads nothing', async () => {
    expect(await loadSegments(null, missing)).toEqual({ ok: true, segments: [] });
  });

  it('compiles the file the setting names', async () => {
    const load = await loadSegments('segments.json', async () => '[{"name":"gold","description":"Gold members.","rule":"loyalty.tier == \\"Gold\\""}]');
    expect(load.ok && load.segments.map((s) => [s.name, s.needs.silos])).toEqual([['gold', ['loyalty']]]);
  });

  it('says which file cannot be read, and why', async () => {
    expect(await loadSegments('/etc/gateway/segments.json', missing)).toEqual({
      ok: false,
      message: 'Cannot read the segments file "/etc/gateway/segments.json" (SEGMENTS_FILE): no such file.',
    });
  });

  it('lists every problem of a bad file, one line each, naming the file and the segment', async () => {
    const load = await loadSegments('segments.json', async () => '[{"name":"gold","description":"","rule":"loyalty.level == \\"Gold\\""}]');
    expect(load).toEqual({
      ok: false,
      message:
        'The segments are not valid:\n' +
        '- Segments file "segments.json": segment "gold": the description is empty; say what the segment means.\n' +
        '- Segments file "segments.json": segment "gold": the rule: loyalty has no feature "level"; its fields are member, tier, points.',
    });
  });
});
