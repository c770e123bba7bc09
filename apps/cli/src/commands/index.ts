import type { Command } from '../command';
import { generateCommand } from './generate.command';
import { ingestCommand } from './ingest.command';
import { statusCommand } from './status.command';
import { downCommand } from './down.command';
import { evaluateCommand } from './evaluate.command';
import { serveCommand } from './serve.command';
import { upCommand } from './up.command';
import { clusterCommand } from './cluster.command';
import { rebuildCommand } from './rebuild.command';
import { similarCommand } from './similar.command';
import { similarUsersCommand } from './similar-users.command';
import { recommendCommand } from './recommend.command';
import { analyticsCommand } from './analytics.command';
import { keyCommand } from './key.command';
import { rateCommand } from './rate.command';

/** Every subcommand, in the order `movielens --help` lists them. One line per command file. */
export const commands: Command[] = [
  upCommand,
  clusterCommand,
  generateCommand,
  ingestCommand,
  statusCommand,
  downCommand,
  keyCommand,
  evaluateCommand,
  serveCommand,
  rebuildCommand,
  similarCommand,
  similarUsersCommand,
  recommendCommand,
  rateCommand,
  analyticsCommand,
];
