// Public API of synthetic/: the MovieLens-like dataset generator.
export { generateDataset } from './generate';
export type { SyntheticDataset, SyntheticFile } from './generate';
export type { RatingSink } from './rating-model';
export { resolvePlan, SHAPE_SPECS, SHAPES } from './shapes';
export type { GenerateOptions, Plan, Shape, ShapeSpec } from './shapes';
export { isGeneratedTitle, isSyntheticCatalogue } from './titles';
