/**
 * Segments: everything exported here is the public API of src/insights/segments/ (README.md,
 * "Segments"). A request that asks for segments:
 * 1. takes the segments it evaluates (all for `Customer.segments`, one for `inSegment`, found with
 *    {@link findSegment}) and their {@link combinedNeeds}: the groups, streams and silos to read;
 * 2. reads those streams only, and builds the groups asked: {@link journeyFeatures} from the
 *    touchpoints, {@link loyaltyFeatures} and {@link consentFeatures} from the records,
 *    {@link lifecycleFeatures}, {@link rfmFeatures} and {@link clvFeatures} from the other
 *    modules' answers, assembled by {@link segmentFeatures};
 * 3. evaluates each with {@link evaluateSegment} (or {@link segmentOutcome} to tell an unknown).
 */
export { FEATURE_GROUPS, FEATURES, LIFECYCLE_STAGES, WINDOW_DAYS, formatFeatureTable, type Feature, type FeatureGroup } from './catalogue.js';
export {
  compileRule,
  compileSegments,
  evaluateSegment,
  segmentOutcome,
  segmentsOf,
  SEGMENT_NAME,
  type CompiledSegment,
  type CompileResult,
  type SegmentDefinition,
  type SegmentOutcome,
} from './compile.js';
export { combinedNeeds, needsOf, type SegmentNeeds } from './dependencies.js';
export {
  clvFeatures,
  lifecycleFeatures,
  rfmFeatures,
  segmentFeatures,
  type ClvInput,
  type LifecycleInput,
  type RfmInput,
  type SegmentFeatures,
} from './features.js';
export { DAY_MS, JourneyFeatures, journeyFeatures, type JourneyFeatureOptions } from './journey-features.js';
export { consentFeatures, loyaltyFeatures, type ConsentRecords } from './record-features.js';
export { parseSegmentsFile, type SegmentsFileResult } from './segments-file.js';
export { findSegment, unknownSegment } from './unknown-segment.js';
