// Public API of ials/: implicit ALS (Hu, Koren, Volinsky 2008) on typed arrays.
export type { IalsConfidence, IalsMatrix, IalsRows } from './ials-data';
export { buildIalsMatrix, extraConfidence } from './ials-data';
export type { IalsBlockInput } from './ials-solve';
export { ialsGram, solveIalsBlock } from './ials-solve';
export type { IalsFoldedRow, IalsRowEntries } from './ials-fold-in';
export { foldInIals, ialsContributions } from './ials-fold-in';
export type { IalsModel, IalsOptions, IalsSettings } from './ials-train';
export { IALS_DEFAULTS, ialsHalf, initIalsFactors, trainIals } from './ials-train';
export { ialsAlgorithm } from './ials-algorithm';
