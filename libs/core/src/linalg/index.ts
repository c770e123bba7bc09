export { multiplyBlocks, transposeDense } from './dense';
export type { DenseMatrix } from './dense-matrix';
export { blockDotProducts, normalizeRows } from './dense-matrix';
export type { SmallSvd } from './jacobi-svd';
export { jacobiSvd } from './jacobi-svd';
export { orthonormalizeColumns } from './qr';
export { TopN } from './top-n';
