export { basisTimesSmall, combineBasis, norm, orthogonalizeAgainst, scale } from './basis';
export type { DenseMatrix } from './dense-matrix';
export { normalizeRows } from './dense-matrix';
export { DotKernel } from './dot-kernel';
export { symmetricEigen, type SymmetricEigen } from './symmetric-eigen';
export { TopN } from './top-n';
