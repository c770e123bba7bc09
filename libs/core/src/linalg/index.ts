export { basisTimesSmall, combineBasis, norm, orthogonalizeAgainst, scale } from './basis';
export type { DenseMatrix } from './dense-matrix';
export { normalizeRows } from './dense-matrix';
export { DotKernel } from './dot-kernel';
export type { SmallSvd } from './jacobi-svd';
export { jacobiSvd } from './jacobi-svd';
export { TopN } from './top-n';
