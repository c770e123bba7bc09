/** @movielens/ingest: the ingest pipeline (staged upload -> new dataset version) and its job processor. */
export { runIngest } from './ingest.pipeline';
export type { IngestDeps, IngestRequest, ProgressHook } from './ingest.pipeline';
export { createIngestProcessor, versionIdOf } from './ingest.processor';
export type { IngestProcessorDeps } from './ingest.processor';
export { assembleDataset } from './dataset-assembly';
export type { AssembledDataset, BaseDataset, Delta } from './dataset-assembly';
export { contentHash } from './staged-input';
export { runLiveApply } from './live-apply.pipeline';
export type { LiveApplyRequest } from './live-apply.pipeline';
export { createIngestQueueProcessor, createLiveApplyProcessor } from './live-apply.processor';
export type { IngestQueueJobData, IngestQueueJobResult } from './live-apply.processor';
export { LivePolicy } from './live-policy';
export type { LiveCheck, LivePolicyOptions } from './live-policy';
