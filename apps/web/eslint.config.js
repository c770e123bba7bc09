// The repository's lint rules, plus the browser's globals for the page's sources (they run in
// a browser; tools/ and the tests run in Node).
import globals from 'globals';
import root from '../../eslint.config.js';

export default [...root, { files: ['src/**/*.ts'], ignores: ['src/**/*.spec.ts'], languageOptions: { globals: { ...globals.browser } } }];
