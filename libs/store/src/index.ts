/** @movielens/store: the Redis key schema and the stores built on it. */
export { KeySchema } from './keys';
export { createRedis } from './connection';
export type { CreateRedisOptions, RedisClient } from './connection';
export { ModelStore, ModelTable, shardOf } from './model.store';
export type { ModelFactors, ModelMeta, ModelVersionInfo, MovieStatsTable, TableStamp } from './model.store';
export { ModelWriter } from './model-writer';
export type { PublishOptions } from './model-writer';
export { bytesOf, packColumns, packLstmUserState, packScoredList, unpackColumns, unpackLstmUserState, unpackScoredList } from './model-codec';
export type { ColumnTable, LstmUserState, NumericColumn, ScoredMovie } from './model-codec';
export { DatasetStore } from './dataset.store';
export type { LoadProgress } from './dataset.store';
export { DatasetWriter, DEFAULT_CHUNK_SIZE } from './dataset.writer';
export type { StagingRecord } from './dataset.writer';
export type { DatasetMeta, DatasetVersionInfo, IngestFileReport, IngestReport } from './dataset.meta';
export { UploadStore } from './upload.store';
export type { UploadedFile, UploadManifest, UploadStoreOptions } from './upload.store';
