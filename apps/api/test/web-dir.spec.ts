import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@movielens/config';
import { apiEnvSchema, apiSettings } from '../src/config';

/** The repository root, from this file (apps/api/test -> ../../..). */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('the web page folder the API serves', () => {
  it('defaults to the web app build output, apps/web/dist (where apps/web/tools/build.ts writes)', () => {
    const settings = apiSettings(loadConfig(apiEnvSchema, {}));
    expect(settings.webDir).toBe(join(repoRoot, 'apps', 'web', 'dist'));
  });

  it('is WEB_DIR when set', () => {
    expect(apiSettings(loadConfig(apiEnvSchema, { WEB_DIR: '/srv/page' })).webDir).toBe('/srv/page');
  });
});
