/**
 * Real child processes for fault tests: the apps run exactly as in production
 * (`node --import tsx apps/<app>/src/main.ts`, configured only through the environment).
 * Every line they print is kept, prefixed with the process name, so a failing test can show
 * what the processes said; every process started here is killed by {@link stopAll}.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/fault-tolerance/src/harness -> ../../../..). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Entry points of the three process types. */
export const AppScript = {
  api: 'apps/api/src/main.ts',
  ingest: 'apps/ingest-worker/src/main.ts',
  compute: 'apps/compute-worker/src/main.ts',
  cli: 'apps/cli/src/main.ts',
} as const;

/** The log line each app prints once it is ready (pino `msg`). */
export const READY_LINE = {
  api: /API listening/,
  ingest: /ingest worker ready/,
  compute: /compute worker ready/,
} as const;

/** Lines kept per process for failure messages (default of `StartOptions.keepLines`). */
const KEEP_LINES = 400;

/** One spawned process with its captured output. */
export class ManagedProcess {
  readonly lines: string[] = [];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters = new Set<{ matches: (line: string) => boolean; resolve: (line: string) => void }>();

  constructor(
    /** Log prefix, e.g. `compute-1`. */
    readonly name: string,
    readonly child: ChildProcess,
    /** Output lines kept: the last ones (a server's log is for failure messages). */
    private readonly keepLines = KEEP_LINES,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (line) => this.onLine(line));
    }
  }

  /** Process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keepLines) this.lines.shift();
    for (const w of this.waiters) {
      if (w.matches(line)) {
        this.waiters.delete(w);
        w.resolve(line);
      }
    }
  }

  /**
   * Resolves with the first line (already printed or to come) matching `pattern` (a regular
   * expression, or a test of the line); rejects after `timeoutMs` or on exit.
   */
  waitForLine(pattern: RegExp | ((line: string) => boolean), timeoutMs = 60_000): Promise<string> {
    const matches = typeof pattern === 'function' ? pattern : (line: string) => pattern.test(line);
    const seen = this.lines.find(matches);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        matches,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      void this.exited.then(({ code, signal }) => {
        if (!this.waiters.delete(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${signal ?? code}) before printing ${pattern}\n${this.tail()}`));
      });
    });
  }

  /** The last `n` lines, prefixed with the name (for failure messages). */
  tail(n = 40): string {
    return this.lines
      .slice(-n)
      .map((l) => `${this.name} | ${l}`)
      .join('\n');
  }

  /** Sends `signal` and resolves when the process has exited (immediately when it already has). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

/** Options of {@link ProcessSet.start}. */
export interface StartOptions {
  /** Environment on top of the test's own (PATH etc.). */
  env?: Record<string, string>;
  /** Extra arguments after the script. */
  args?: string[];
  /**
   * Output lines kept, the last ones; default 400. A command whose whole answer the test reads
   * (a CLI's JSON, which grows with the model selection's grid) passes Infinity.
   */
  keepLines?: number;
}

/** The processes of one test: start them, find them, and stop them all afterwards. */
export class ProcessSet {
  private readonly list: ManagedProcess[] = [];

  /** Starts `node --import tsx <script>` from the repository root. */
  node(name: string, script: string, options: StartOptions = {}): ManagedProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], {
      cwd: repoRoot,
      // Its own process group, so cleanup can kill what it started too (`movielens cluster`'s children).
      detached: true,
      env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const managed = new ManagedProcess(name, child, options.keepLines);
    this.list.push(managed);
    return managed;
  }

  /** Starts any command (e.g. redis-cli). */
  command(name: string, command: string, args: string[]): ManagedProcess {
    const managed = new ManagedProcess(name, spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] }));
    this.list.push(managed);
    return managed;
  }

  /** Every process started so far (running or not). */
  all(): readonly ManagedProcess[] {
    return this.list;
  }

  /** The last lines of every process, for a failure message. */
  logs(n = 30): string {
    return this.list.map((p) => p.tail(n)).join('\n');
  }

  /** SIGKILLs every process still running, with its process group (children it spawned), and waits for them. */
  async stopAll(): Promise<void> {
    for (const p of this.list) {
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // The group is gone already (or the process was not a group leader).
      }
    }
    await Promise.all(this.list.map((p) => p.kill('SIGKILL')));
    this.list.length = 0;
  }
}
