import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const globalSetup = fileURLToPath(new URL('./global-setup.ts', import.meta.url));
const reportsDir = fileURLToPath(new URL('../../../reports/vitest/', import.meta.url));

/**
 * Shared Vitest config of every project: a real Redis from the global setup, generous
 * timeouts for integration tests (the machine is shared and noisy; speed is measured in
 * bench/, not here), and a JSON report per project that `npm test` sums up.
 */
export function projectTestConfig(project: string) {
  return defineConfig({
    test: {
      include: ['src/**/*.spec.ts', 'test/**/*.spec.ts'],
      globalSetup: [globalSetup],
      testTimeout: 120_000,
      hookTimeout: 120_000,
      passWithNoTests: true,
      reporters: ['default', ['json', { outputFile: `${reportsDir}${project}.json` }]],
      pool: 'forks',
    },
  });
}
