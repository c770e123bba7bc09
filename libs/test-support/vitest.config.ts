import { projectTestConfig } from './src/vitest.config';

export default projectTestConfig('test-support');
