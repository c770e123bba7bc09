/**
 * The Docker engine and docker-compose for the compose test: whether an engine answers (and
 * why not), the three images built once per run, and a compose project of docker-compose.yml
 * with ../../compose/host-network.yml on top (every service on the host's loopback, free
 * ports), always taken down with its volumes.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { repoRoot } from './processes';

const run = promisify(execFile);

/** The app images the Dockerfile builds (its targets, and the compose services of the same names). */
export const APP_IMAGES = ['api', 'ingest-worker', 'compute-worker'] as const;

/** Why no compose test can run here, or null when an engine answers and docker-compose is installed. */
export function dockerProblem(): string | null {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8', timeout: 20_000 });
  if (info.error) return `no docker command (${info.error.message}); install docker.io`;
  if (info.status !== 0) return `no Docker engine answers (${(info.stderr || info.stdout).trim().split('\n').pop()}); start dockerd`;
  const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8', timeout: 20_000 });
  if (compose.error || compose.status !== 0) return 'docker-compose is not installed (apt-get install -y docker-compose)';
  return null;
}

/** Runs a command from the repository root; rejects with its output when it fails. */
async function sh(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd: repoRoot, env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${(e.stdout ?? '').slice(-2000)}\n${(e.stderr ?? '').slice(-4000)}`);
  }
}

/** Seconds each image build took, and the image sizes in bytes. */
export interface BuiltImages {
  tag: string;
  seconds: Record<string, number>;
  bytes: Record<string, number>;
}

/**
 * Builds the three images as `movielens/<app>:<tag>` exactly as a user would (the Dockerfile's
 * targets), after making sure the base images exist (tools/docker/stand-in-images.sh builds
 * local stand-ins when no registry is reachable and does nothing when they are present).
 * Legacy builder and host network: no BuildKit frontend image, traffic on the host's stack.
 */
export async function buildImages(tag: string): Promise<BuiltImages> {
  await sh('bash', ['tools/docker/stand-in-images.sh'], { timeoutMs: 600_000 });
  const seconds: Record<string, number> = {};
  const bytes: Record<string, number> = {};
  for (const app of APP_IMAGES) {
    const started = performance.now();
    await sh('docker', ['build', '-q', '--network', 'host', '--target', app, '-t', `movielens/${app}:${tag}`, '.'], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs: 900_000 });
    seconds[app] = (performance.now() - started) / 1000;
    bytes[app] = Number((await sh('docker', ['image', 'inspect', '--format', '{{.Size}}', `movielens/${app}:${tag}`])).trim());
  }
  return { tag, seconds, bytes };
}

/** Options of {@link ComposeProject}. */
export interface ComposeOptions {
  /** Project name (container and volume prefix); unique per test run. */
  name: string;
  /** Image tag of the app services (MOVIELENS_TAG). */
  tag: string;
  redisPort: number;
  apiPort: number;
  apiKey: string;
}

/**
 * One compose project on host networking. The override cannot drop the API's `ports`
 * (docker-compose 1.x has no `!reset`, and published ports contradict host networking), so
 * the merged configuration is written out without them and used as the project's only file.
 */
export class ComposeProject {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ft-compose-'));
  private readonly file = join(this.dir, 'docker-compose.json');
  private readonly env: NodeJS.ProcessEnv;

  constructor(readonly options: ComposeOptions) {
    this.env = {
      ...process.env,
      MOVIELENS_TAG: options.tag,
      REDIS_PORT: String(options.redisPort),
      API_PORT: String(options.apiPort),
      API_KEY: options.apiKey,
    };
  }

  private compose(args: string[], timeoutMs?: number): Promise<string> {
    return sh('docker-compose', ['-p', this.options.name, '-f', this.file, ...args], { env: this.env, timeoutMs });
  }

  /** `docker-compose up -d` without building (the images are built by {@link buildImages}). */
  async up(): Promise<void> {
    const merged = await sh('docker-compose', ['-f', 'docker-compose.yml', '-f', 'tests/fault-tolerance/compose/host-network.yml', 'config'], { env: this.env });
    const config = parse(merged) as { services: Record<string, { ports?: unknown }> };
    for (const service of Object.values(config.services)) delete service.ports;
    // JSON is YAML: docker-compose reads it as it is.
    writeFileSync(this.file, JSON.stringify(config, null, 2));
    await this.compose(['up', '-d', '--no-build']);
  }

  /** Container names of `service`, in replica order. */
  async containers(service: string): Promise<string[]> {
    const out = await sh('docker', ['ps', '-a', '--filter', `label=com.docker.compose.project=${this.options.name}`, '--filter', `label=com.docker.compose.service=${service}`, '--format', '{{.Names}}']);
    return out.split('\n').filter((n) => n !== '').sort();
  }

  /** What `docker logs` shows of a container (stdout and stderr). */
  async logs(container: string): Promise<string> {
    const { stdout, stderr } = await run('docker', ['logs', container], { maxBuffer: 64 * 1024 * 1024 });
    return stdout + stderr;
  }

  /** The last lines of every container of the project, for a failure message. */
  async allLogs(lines = 30): Promise<string> {
    return this.compose(['logs', '--no-color', '--tail', String(lines)]).catch((err: Error) => err.message);
  }

  /** `docker kill` (SIGKILL) of one container. */
  async kill(container: string): Promise<void> {
    await sh('docker', ['kill', container]);
  }

  /** `docker start` of a stopped container. */
  async start(container: string): Promise<void> {
    await sh('docker', ['start', container]);
  }

  /** `running`, `exited`, ... of a container. */
  async state(container: string): Promise<string> {
    return (await sh('docker', ['inspect', '--format', '{{.State.Status}}', container])).trim();
  }

  /** `docker-compose down -v`: stops and removes the containers, the network and the volumes. */
  async down(): Promise<void> {
    try {
      await this.compose(['down', '-v', '--timeout', '20'], 180_000);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** Containers and volumes still labelled with this project (empty after {@link down}). */
  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.compose.project=${this.options.name}`;
    const containers = await sh('docker', ['ps', '-a', '--filter', label, '--format', 'container {{.Names}}']);
    const volumes = await sh('docker', ['volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}']);
    return `${containers}${volumes}`.split('\n').filter((l) => l !== '');
  }
}
