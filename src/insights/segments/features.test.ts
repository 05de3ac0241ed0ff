import { describe, expect, it } from 'vitest';
import { clvFeatures, lifecycleFeatures, rfmFeatures, segmentFeatures } from './features.js';
import { JourneyFeatures } from './journey-features.js';

describe('the score features from the other modules’ answers', () => {
  it('turns days, counts and scores into CEL ints (whole part) and money into doubles', () => {
    const rfm = rfmFeatures({ recencyDays: 96.7, frequency: 4, monetary: 412.5, averageOrderValue: 103.125, recencyScore: 2, frequencyScore: 4, monetaryScore: 5 });
    expect({ ...rfm }).toEqual({ recencyDays: 96n, frequency: 4n, monetary: 412.5, averageOrderValue: 103.125, recencyScore: 2n, frequencyScore: 4n, monetaryScore: 5n });
  });

  it('leaves null, absent and non-finite values unknown, and a whole group unknown when its answer is null', () => {
    expect({ ...rfmFeatures({ recencyDays: null, frequency: 0, monetary: Number.NaN }) }).toEqual({
      recencyDays: undefined, frequency: 0n, monetary: undefined, averageOrderValue: undefined, recencyScore: undefined, frequencyScore: undefined, monetaryScore: undefined,
    });
    expect(Object.values(clvFeatures(null)).filter((v) => v !== undefined)).toEqual([]);
    expect({ ...clvFeatures({ value: 512.3, pAlive: Number.POSITIVE_INFINITY }) }).toEqual({ value: 512.3, pAlive: undefined });
    expect(lifecycleFeatures({ stage: 'slowingDown' }).stage).toBe('slowingDown');
    expect(lifecycleFeatures({ stage: null }).stage).toBeUndefined();
    expect(lifecycleFeatures(undefined).stage).toBeUndefined();
  });

  it('assembles the feature object with every group left out unknown', () => {
    const features = segmentFeatures({ clv: clvFeatures({ value: 10, pAlive: 0.5 }) });
    expect(features.clv.value).toBe(10);
    expect(features.journey).toBeInstanceOf(JourneyFeatures);
    expect([features.lifecycle.stage, features.rfm.frequency, features.journey.purchases, features.loyalty.tier, features.consent.emailMarketing]).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
