export type { FileKind, Movie, RatingTable, Release, User } from './types';
