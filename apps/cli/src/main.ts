import { parseArgs } from 'node:util';
import { MovieLensError, InputError, formatIssue } from '@movielens/core';
import { globalOptions, type Command } from './command';
import { commands } from './commands/index';

/** Prints the list of commands. */
function topLevelHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'Usage: movielens <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --redis URL (default: REDIS_URL, else a local redis-server in .movielens/)',
    'and --json (print one JSON document). Run `movielens <command> --help` for its options.',
  ].join('\n');
}

/** One line, or a few for bad input, saying why the command failed. */
function describeFailure(err: unknown): string {
  if (err instanceof InputError && err.issues.length > 0) {
    const shown = err.issues.slice(0, 10).map((i) => `  ${formatIssue(i)}`);
    const more = err.issues.length > 10 ? [`  ... and ${err.issues.length - 10} more`] : [];
    return [err.message, ...shown, ...more].join('\n');
  }
  if (err instanceof MovieLensError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(topLevelHelp());
    return 0;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (command === undefined) {
    console.error(`movielens: unknown command '${name}'. Run 'movielens --help' for the list.`);
    return 2;
  }
  let args;
  try {
    args = parseArgs({ args: rest, options: { ...globalOptions, ...command.options }, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`movielens ${name}: ${describeFailure(err)}\n\n${command.usage}`);
    return 2;
  }
  if (args.values.help) {
    console.log(command.usage);
    return 0;
  }
  const json = args.values.json === true;
  const redisUrl = typeof args.values.redis === 'string' ? args.values.redis : process.env.REDIS_URL || undefined;
  try {
    const result = await command.run({ args, json, redisUrl, print: (line) => (json ? undefined : console.log(line)) });
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (err) {
    if (json) {
      const code = err instanceof MovieLensError ? err.code : 'FAILED';
      const issues = err instanceof InputError ? err.issues : undefined;
      process.stdout.write(`${JSON.stringify({ error: { code, message: describeFailure(err), issues } }, null, 2)}\n`);
    } else {
      console.error(`movielens ${name}: ${describeFailure(err)}`);
    }
    if (process.env.MOVIELENS_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
