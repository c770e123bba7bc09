export { compactRows, EASE_DEFAULT_LAMBDA, easeBytes, fitEase, keptMovies, scoreEase, trainEase, type EaseModel, type EaseOptions, type EaseTimings, type TrainEaseOptions } from './ease';
export { easeAlgorithm } from './ease-algorithm';
export { GemmBatch, helpGemm, type GemmShare } from './gemm-batch';
export { GemmKernel, MAX_KERNEL_BYTES } from './gemm-kernel';
export { addLowerGram, type InteractionRows } from './gram';
export { SpdInverse, type SpdInverseOptions } from './spd-inverse';
