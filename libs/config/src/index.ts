/** @movielens/config: environment configuration parsed once at start-up, and the logger. */
export { ConfigError, envSchema, loadConfig, loadConfigOrExit } from './config';
export type { BaseConfig } from './config';
export { createLogger } from './logger';
export type { Logger } from './logger';
