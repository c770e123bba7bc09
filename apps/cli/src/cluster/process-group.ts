import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One process of a local cluster. */
export interface ProcessSpec {
  /** Log prefix, e.g. `api`, `compute-1`. */
  name: string;
  /** Node's arguments: the script and what Node needs before it (see appNodeArgs). */
  nodeArgs: string[];
  /** Extra environment on top of the parent's. */
  env: Record<string, string>;
}

/** Options of {@link ProcessGroup}. */
export interface ProcessGroupOptions {
  /** Where prefixed log lines go. Default: stdout. */
  write?: (line: string) => void;
  /** Grace period after SIGTERM before SIGKILL, in ms. Default 10000. */
  killAfterMs?: number;
}

const COLOURS = [36, 33, 35, 32, 34, 31];

/**
 * Runs the processes of a local cluster as children: each one's output is prefixed with
 * its name, and stopping the group sends SIGTERM to all, waits for them to exit (their
 * own graceful shutdown), and SIGKILLs any that outlive the grace period, so no process is
 * left behind.
 */
export class ProcessGroup {
  private readonly children = new Map<string, ChildProcess>();
  private readonly write: (line: string) => void;
  private readonly killAfterMs: number;
  private stopping = false;
  /** Resolves with the name of the first child that exits unexpectedly. */
  readonly firstExit: Promise<string>;
  private onExit!: (name: string) => void;

  constructor(options: ProcessGroupOptions = {}) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.killAfterMs = options.killAfterMs ?? 10_000;
    this.firstExit = new Promise((resolve) => (this.onExit = resolve));
  }

  /** Starts one process; its stdout and stderr lines are prefixed with its name. */
  start(spec: ProcessSpec): ChildProcess {
    const child = spawn(process.execPath, spec.nodeArgs, {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const colour = COLOURS[this.children.size % COLOURS.length];
    const prefix = process.stdout.isTTY ? `\x1b[${colour}m${spec.name.padEnd(10)}\x1b[0m|` : `${spec.name.padEnd(10)}|`;
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.write(`${prefix} ${line}`));
    }
    child.on('exit', (code, signal) => {
      this.children.delete(spec.name);
      if (!this.stopping) {
        this.write(`${prefix} exited (${signal ?? `code ${code}`})`);
        this.onExit(spec.name);
      }
    });
    this.children.set(spec.name, child);
    return child;
  }

  /** Names of the running children. */
  running(): string[] {
    return [...this.children.keys()];
  }

  /** SIGTERM to every child, SIGKILL after the grace period; resolves when all have exited. */
  async stop(): Promise<void> {
    this.stopping = true;
    const waits = [...this.children.values()].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), this.killAfterMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    );
    await Promise.all(waits);
  }
}
