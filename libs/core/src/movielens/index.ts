export type { FileKind, Movie, RatingTable, Release, User } from './types';
export { allocateRatingTable, chunkCount, concatPackedRatings, packedCount, packRatings, unpackRatings, unpackRatingsInto, PACKED_BYTES_PER_RATING, PACKED_HEADER_BYTES, PACKED_LAYOUT_VERSION } from './packing';
export {
  AGE_GROUP_LABELS,
  AGE_GROUPS_ML1M,
  ageCodeOfYears,
  ageGroupLabel,
  GENRES_CSV,
  GENRES_DAT,
  GENRES_ML100K,
  GENRES_ML1M,
  genresOf,
  isOnScale,
  NO_GENRES,
  OCCUPATIONS_ML100K,
  OCCUPATIONS_ML1M,
  RATING_SCALES,
  releaseName,
} from './codes';
export type { RatingScale } from './codes';
export { baseName, CSV_MOVIES_HEADER, CSV_RATINGS_HEADER, detectFile, detectFiles } from './detect';
export type { DetectedFile } from './detect';
export { MAX_KEPT_ISSUES } from './issues';
export { BINARY_REASON, CR_ONLY_REASON, MAX_LINE_BYTES, UTF16_REASON } from './line-splitter';
export { MAX_UNDECIDED_BYTES } from './line-decoder';
export type { TextEncoding } from './text-encoding';
export type { ParserOptions, ParseSummary, StreamParser } from './parser-options';
export { createRatingsParser } from './ratings.parser';
export type { RatingsResult } from './ratings.parser';
export { createMoviesParser } from './movies.parser';
export type { MoviesResult } from './movies.parser';
export { createUsersParser } from './users.parser';
export type { UsersResult } from './users.parser';
export { DETECT_HEAD_BYTES, parseFile, parseStream } from './parse-file';
export type { ChunkSource, ParsedFile } from './parse-file';
export { deduplicate, mergeRatings, RatingTableBuilder } from './rating-table';
export type { Deduplicated, DuplicatePair } from './rating-table';
export { applyRatingChanges } from './rating-changes';
export type { AppliedChanges } from './rating-changes';
export { csvField, encodeText, formatMovieLine, formatRatingLine, formatUserLine, headerLine } from './serialize';
export { joinTitle, splitTitle } from './title';
