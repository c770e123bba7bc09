#!/usr/bin/env node
// The `movielens` command. The sources are TypeScript, run through tsx, so the command works
// right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
