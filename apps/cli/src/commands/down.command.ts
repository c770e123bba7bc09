import type { Command, CommandContext } from '../command';
import { stopLocalRedis } from '../local-redis';

async function run(ctx: CommandContext): Promise<unknown> {
  const stopped = await stopLocalRedis();
  ctx.print(stopped ? `stopped the local redis-server (pid ${stopped.pid}, port ${stopped.port}); data kept in .movielens/redis/` : 'no local redis-server is running');
  return { stopped: stopped !== null, ...(stopped ?? {}) };
}

/** `movielens down`: stop the local redis-server started by other commands (data is kept). */
export const downCommand: Command = {
  name: 'down',
  summary: 'Stop the local redis-server in .movielens/ (its data is kept)',
  usage: 'Usage: movielens down [--json]\n\nStops the redis-server that commands started in ./.movielens/redis/ (AOF is flushed; the data stays).',
  options: {},
  run,
};
