import type { Command } from '../command';
import { generateCommand } from './generate.command';
import { ingestCommand } from './ingest.command';
import { statusCommand } from './status.command';
import { downCommand } from './down.command';
import { serveCommand } from './serve.command';

/** Every subcommand, in the order `movielens --help` lists them. One line per command file. */
export const commands: Command[] = [
  generateCommand,
  ingestCommand,
  statusCommand,
  downCommand,
  serveCommand,
];
