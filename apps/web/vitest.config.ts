import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The page's unit tests: pure modules of `src/lib` in Node (no DOM, no Redis, so not the
 * shared `projectTestConfig`, whose global setup starts a redis-server). The JSON report goes
 * beside the other projects' so that `npm test` sums it. The page itself is driven in a
 * real browser by the API's browser tests (apps/api/test/browser).
 */
export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    reporters: ['default', ['json', { outputFile: fileURLToPath(new URL('../../reports/vitest/web.json', import.meta.url)) }]],
  },
});
