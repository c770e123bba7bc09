/**
 * A client that keeps requesting one URL during a fault and records every answer, so a test
 * can assert "no failed request" or "503 with a clear message, then recovery".
 */

/** One answer (status 0 = no HTTP answer at all: connection refused or reset). */
export interface PolledAnswer {
  at: number;
  status: number;
  /** `X-Model-Version` header (the set version), when present. */
  model: string | null;
  /** The kind version that answered (`source.version` of a 2xx JSON body), when the answer names one. */
  source: string | null;
  /** The body of a non-2xx answer (for messages). */
  body: string | null;
}

/** Requests `url` back to back (with `gapMs` between) until {@link Poller.stop}. */
export class Poller {
  readonly answers: PolledAnswer[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    readonly url: string,
    private readonly gapMs = 20,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const at = Date.now();
      try {
        const res = await fetch(this.url, { signal: AbortSignal.timeout(5000) });
        const ok = res.status >= 200 && res.status < 300;
        const text = await res.text();
        this.answers.push({ at, status: res.status, model: res.headers.get('x-model-version'), source: ok ? sourceOf(text) : null, body: ok ? null : text });
      } catch (err) {
        this.answers.push({ at, status: 0, model: null, source: null, body: (err as Error).message });
      }
      await new Promise((r) => setTimeout(r, this.gapMs));
    }
  }

  /** Stops polling and resolves once the last request has finished. */
  async stop(): Promise<PolledAnswer[]> {
    this.running = false;
    await this.loop;
    return this.answers;
  }

  /** Answers that were not 2xx. */
  failures(): PolledAnswer[] {
    return this.answers.filter((a) => a.status < 200 || a.status >= 300);
  }
}

/** `source.version` of a JSON answer (`{ source: { kind, version, datasetVersion } }`), or null. */
function sourceOf(text: string): string | null {
  try {
    const version = (JSON.parse(text) as { source?: { version?: unknown } | null }).source?.version;
    return typeof version === 'string' ? version : null;
  } catch {
    return null;
  }
}
