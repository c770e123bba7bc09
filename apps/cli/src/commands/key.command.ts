import { relative } from 'node:path';
import type { Command } from '../command';
import { localApiKey } from '../api-key';

/** `movielens key`: prints the API key of the local system (made on first use). */
export const keyCommand: Command = {
  name: 'key',
  summary: 'Print the API key that `up` and `cluster` give the API (kept in .movielens/api-key)',
  usage: [
    'Usage: movielens key [--json]',
    '',
    'Prints the admin API key of the local system on stdout: API_KEY when it is set, else the',
    'key kept in .movielens/api-key (mode 0600), made on first use and reused by every',
    '`movielens up` and `movielens cluster`. Paste it on the web page\'s Admin view, or send it',
    'as the X-API-Key header. --json: { key, source: "env" | "file", path }.',
  ].join('\n'),
  options: {},
  async run(ctx) {
    const { key, source, path, created } = localApiKey();
    ctx.print(key);
    if (!ctx.json) {
      const where = source === 'env' ? 'from the API_KEY environment variable' : `${created ? 'made now and kept' : 'kept'} in ${relative(process.cwd(), path) || path}`;
      console.error(`(the admin API key, ${where})`);
    }
    return { key, source, path };
  },
};
