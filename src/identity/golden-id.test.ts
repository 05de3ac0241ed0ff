import { describe, expect, it } from 'vitest';
import { decodeGoldenId, encodeGoldenId, isProvisionalGoldenId } from './golden-id.js';

describe('provisional golden ids', () => {
  it('mark an id minted from an incomplete cluster, and still decode to its anchor', () => {
    const durable = encodeGoldenId({ source: 'analytics', id: '85cfe151c9ae4177' });
    const provisional = encodeGoldenId({ source: 'analytics', id: '85cfe151c9ae4177' }, { provisional: true });
    expect(provisional).not.toBe(durable);
    expect(provisional.startsWith('cus_')).toBe(true);
    expect(isProvisionalGoldenId(provisional)).toBe(true);
    expect(isProvisionalGoldenId(durable)).toBe(false);
    expect(decodeGoldenId(provisional)).toEqual({ source: 'analytics', id: '85cfe151c9ae4177' });
  });

  it('keep the durable format unchanged: ids handed out before stay the same', () => {
    expect(encodeGoldenId({ source: 'crm', id: '667' })).toBe('cus_MXxjcm18NjY3');
    expect(Buffer.from(encodeGoldenId({ source: 'crm', id: '667' }, { provisional: true }).slice(4), 'base64url').toString()).toBe('1p|crm|667');
  });

  it('refuse unknown flags and versions', () => {
    for (const payload of ['1x|crm|667', '2p|crm|667', 'p|crm|667']) {
      expect(decodeGoldenId('cus_' + Buffer.from(payload).toString('base64url')), payload).toBeNull();
      expect(isProvisionalGoldenId('cus_' + Buffer.from(payload).toString('base64url')), payload).toBe(false);
    }
  });
});
