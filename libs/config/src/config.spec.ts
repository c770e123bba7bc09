import { describe, expect, it } from 'vitest';
import { ConfigError, envSchema, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies defaults, treating an empty REDIS_URL as unset', () => {
    const config = loadConfig(envSchema, { REDIS_URL: '' });
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.KEY_PREFIX).toBe('ml');
    expect(config.REDIS_CLUSTER).toBe(false);
  });

  it('fails fast with one line per bad variable', () => {
    let caught: unknown;
    try {
      loadConfig(envSchema, { KEY_PREFIX: 'a:{b}', LOG_LEVEL: 'loud' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as Error).message;
    expect(message).toMatch(/KEY_PREFIX: letters, digits/);
    expect(message).toMatch(/LOG_LEVEL:/);
  });
});
