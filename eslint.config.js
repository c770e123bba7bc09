// Lint for every project. The Nx module-boundary rule is the architecture check:
// apps wire things together, features hold pipelines, data-access talks to Redis,
// and the core stays pure. See README "Architecture".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import globals from 'globals';

/** Which project tags each tag may import in production code. */
const layers = {
  'type:app': ['type:feature', 'type:data-access', 'type:core', 'type:util'],
  'type:feature': ['type:data-access', 'type:core', 'type:util'],
  'type:data-access': ['type:core', 'type:util'],
  'type:util': ['type:util'],
  'type:core': ['type:core'],
  'type:test': ['type:feature', 'type:data-access', 'type:core', 'type:util'],
};

/** The boundary rule; tests may also use the test harness (type:test) and the pipelines that build fixtures. */
function boundaries({ tests }) {
  const depConstraints = Object.entries(layers).map(([sourceTag, allowed]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: tests && sourceTag !== 'type:core' ? [...new Set([...allowed, 'type:test', 'type:feature'])] : allowed,
  }));
  return ['error', { allow: [], depConstraints }];
}

const testFiles = ['**/*.spec.ts', '**/*.fixtures.ts', '**/test/**/*.ts', 'tests/**/*.ts'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/reports/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries({ tests: false }),
    },
  },
  {
    files: testFiles,
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': boundaries({ tests: true }),
    },
  },
);
