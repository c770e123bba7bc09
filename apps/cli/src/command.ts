import type { ParseArgsConfig } from 'node:util';

/** Options every subcommand accepts. */
export const globalOptions = {
  redis: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Parsed arguments of one command: option values and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** What a command gets to do its work. */
export interface CommandContext {
  args: ParsedArgs;
  /** `--json`: the command's result is printed as one JSON document; no human output. */
  json: boolean;
  /** Human output (stderr-free lines on stdout); silent in `--json` mode. */
  print(line: string): void;
  /** The value of `--redis`, else REDIS_URL, else undefined (the local Redis is used). */
  redisUrl: string | undefined;
}

/** A `movielens` subcommand, one per file in `commands/`. */
export interface Command {
  /** Name typed after `movielens`. */
  name: string;
  /** One-line description for `movielens --help`. */
  summary: string;
  /** Usage text shown by `movielens <name> --help`. */
  usage: string;
  /** Command-specific options (node:util parseArgs format). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Does the work and returns the result printed by `--json`. Throw to fail (exit 1). */
  run(ctx: CommandContext): Promise<unknown>;
}
