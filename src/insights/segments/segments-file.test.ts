import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSegmentsFile } from './segments-file.js';

describe('parseSegmentsFile', () => {
  it('compiles the demo’s ten segments', () => {
    const demo = parseSegmentsFile(readFileSync(new URL('../../../demo/segments.json', import.meta.url), 'utf8'), 'demo/segments.json');
    expect(demo.ok ? demo.segments.map((s) => `${s.name}: ${s.needs.silos.join(', ')}`) : demo.errors).toEqual([
      'crossChannelShoppers: loyalty, commerce',
      'storeRegularsNeverOnline: loyalty, commerce',
      'shoeBrowsersNeverBought: loyalty, commerce, analytics',
      'highValueSlowingDown: loyalty, commerce',
      'newFromCampaign: loyalty, commerce, analytics',
      'goldOrPlatinum: loyalty',
      'lapsedEmailable: crm, loyalty, commerce',
      'rfmChampions: loyalty, commerce',
      'probablyGone: loyalty, commerce',
      'pointsToSpend: loyalty, commerce',
    ]);
  });

  it('names the file when it is not JSON, or not a list', () => {
    const notJson = (text: string, fileName: string, problem: string) =>
      expect(parseSegmentsFile(text, fileName)).toEqual({
        ok: false,
        errors: [`Segments file "${fileName}": not valid JSON (${problem}): a list of {"name", "description", "rule"} objects is expected.`],
      });
    notJson('[{"name": ', 'segments.json', 'the text ends before the JSON does: is the file cut short?');
    // What broke and where (1-based line and column, as editors count), never the text itself.
    notJson('[\n  {"name": "a", "description": "b" "rule": "c"}\n]', 'segments.json', "Expected ',' or '}' after property value, at line 2, column 36");
    notJson('[{"name": "a", "description": "b", "rule": "c"},]', 'segments.json', "an unexpected ']': a trailing comma before it?");
    // The text itself is never quoted: the setting may point at a file of secrets by mistake.
    notJson('root:x:0:0:root:/root:/bin/bash', '/etc/passwd', 'an unexpected character');
    expect(parseSegmentsFile('{"vip": "journey.totalSpend > 1000"}', 'segments.json')).toEqual({
      ok: false,
      errors: ['Segments file "segments.json": expected a JSON array of segments, each {"name": …, "description": …, "rule": …}.'],
    });
  });

  it('names the file and the segment for a missing, mistyped or unknown key, and the position when it has no name', () => {
    const text = JSON.stringify([
      'vip',
      { name: 'vip', description: 'Big spenders.', rule: 'journey.totalSpend > 1000.0', owner: 'marketing' },
      { description: 'No name.', rule: 'true' },
      { name: 'gold', description: 'Gold members.', rule: true },
    ]);
    expect(parseSegmentsFile(text, 'conf/segments.json')).toEqual({
      ok: false,
      errors: [
        'Segments file "conf/segments.json": segment 1: expected an object {"name": …, "description": …, "rule": …}.',
        'Segments file "conf/segments.json": segment "vip": unknown key "owner"; the keys are name, description, rule.',
        'Segments file "conf/segments.json": segment 3: "name" must be a string, and is missing.',
        'Segments file "conf/segments.json": segment "gold": "rule" must be a string.',
      ],
    });
  });

  it('names the file and the segment for a rule that does not type-check', () => {
    const text = JSON.stringify([
      { name: 'vip', description: 'Big spenders.', rule: 'journey.totalSpend > 1000.0' },
      { name: 'lapsedGold', description: 'Lapsed Gold members.', rule: 'lifecycle.stage == "lapsed" && loyalty.tier == 3' },
    ]);
    expect(parseSegmentsFile(text, 'segments.json')).toEqual({
      ok: false,
      errors: ['Segments file "segments.json": segment "lapsedGold": the rule does not type-check: no such overload: string == int (at character 32).'],
    });
  });

  it('accepts an empty list: no segments', () => {
    expect(parseSegmentsFile('[]', 'segments.json')).toEqual({ ok: true, segments: [] });
  });
});
