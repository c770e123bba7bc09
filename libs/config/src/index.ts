/** @movielens/config: environment configuration parsed once at start-up. */
export { ConfigError, envSchema, loadConfig } from './config';
export type { BaseConfig } from './config';
