export type { FileKind, Movie, RatingTable, Release, User } from './types';
export { allocateRatingTable, chunkCount, concatPackedRatings, packedCount, packRatings, unpackRatings, unpackRatingsInto, PACKED_BYTES_PER_RATING, PACKED_HEADER_BYTES, PACKED_LAYOUT_VERSION } from './packing';
