/**
 * A client that keeps requesting one URL during a fault and records every answer, so a test
 * can assert "no failed request" or "503 with a clear message, then recovery".
 */

/** One answer (status 0 = no HTTP answer at all: connection refused or reset). */
export interface PolledAnswer {
  at: number;
  status: number;
  /** `X-Model-Version` header, when present. */
  model: string | null;
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
        const body = ok ? (await res.arrayBuffer(), null) : await res.text();
        this.answers.push({ at, status: res.status, model: res.headers.get('x-model-version'), body });
      } catch (err) {
        this.answers.push({ at, status: 0, model: null, body: (err as Error).message });
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
