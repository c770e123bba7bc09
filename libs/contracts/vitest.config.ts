// Relative import: Vitest loads its config with plain Node, which cannot import .ts from a package.
import { projectTestConfig } from '../../libs/test-support/src/vitest.config';

export default projectTestConfig('contracts');
