export type { GroupAnalytics, GroupStat } from './group-analytics';
export { computeGroupAnalytics } from './group-analytics';
export type { MovieStats } from './movie-stats';
export { computeMovieStats, HISTOGRAM_BINS, HISTOGRAM_STARS, histogramBin } from './movie-stats';
export type { RankBy, RankedMovie, RankOptions } from './rank-movies';
export { rankMovies } from './rank-movies';
export type { RecentlyPopular, RecentlyPopularOptions } from './recently-popular';
export { recentlyPopular } from './recently-popular';
