import type { RebuildJobResult } from '@movielens/jobs';
import { describe, expectTypeOf, it } from 'vitest';
import type { RebuildResult } from './processors/rebuild.processor';

// Checked by the type-check (tsc), where expectTypeOf fails to compile on a difference.
describe('RebuildResult', () => {
  it('is the type of the jobs library\'s rebuildResultSchema, with which the CLI and tests validate a stored result', () => {
    expectTypeOf<RebuildResult>().toEqualTypeOf<RebuildJobResult>();
  });
});
