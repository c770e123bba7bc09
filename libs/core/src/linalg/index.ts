export { multiplyBlocks, transposeDense } from './dense';
export type { SmallSvd } from './jacobi-svd';
export { jacobiSvd } from './jacobi-svd';
export { orthonormalizeColumns } from './qr';
