/**
 * The page's HTTP client for `/api/v1`. Every failure becomes an {@link ApiError} with a
 * stable `code` (the API's own code, or NETWORK / BAD_RESPONSE for failures the API never
 * answered), so views show one designed error state instead of a stack trace.
 */

/** A failed API call. `status` is 0 when no HTTP answer arrived. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The part of `fetch` the client uses (injectable so the client runs anywhere). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Prefix of every path; default `/api/v1`. */
  baseUrl?: string;
  /** The fetch implementation; default the global `fetch`. */
  fetch?: FetchLike;
  /** Returns the admin API key (sent as `X-API-Key` on admin calls), or null when none. */
  apiKey?: () => string | null;
}

/** Query parameters; undefined and empty-string values are left out. */
export type Query = Record<string, string | number | undefined>;

/** Builds `path?query` leaving out undefined and empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const fallbackCodes: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'NOT_READY',
};

/**
 * Maps an HTTP answer to its JSON body or an {@link ApiError}. `text` is the raw body.
 * A 2xx answer must be JSON; an error answer uses the API's `{ error: { code, message } }`
 * when present, else a code derived from the status.
 */
export function parseAnswer(status: number, text: string): unknown {
  let body: unknown = undefined;
  let parsed = false;
  if (text !== '') {
    try {
      body = JSON.parse(text);
      parsed = true;
    } catch {
      parsed = false;
    }
  }
  if (status >= 200 && status < 300) {
    if (status === 204 || text === '') return null;
    if (!parsed) throw new ApiError(status, 'BAD_RESPONSE', 'The server sent an answer that is not JSON.');
    return body;
  }
  if (isRecord(body) && isRecord(body.error)) {
    const code = typeof body.error.code === 'string' ? body.error.code : (fallbackCodes[status] ?? 'HTTP_ERROR');
    const message = typeof body.error.message === 'string' ? body.error.message : `HTTP ${status}`;
    return throwError(new ApiError(status, code, message));
  }
  const code = fallbackCodes[status] ?? (status >= 500 ? 'SERVER_ERROR' : 'HTTP_ERROR');
  return throwError(new ApiError(status, code, `The server answered HTTP ${status}.`));
}

function throwError(error: ApiError): never {
  throw error;
}

/**
 * A sentence for the user explaining `error` and what to do next. Unknown errors keep
 * their own message: hiding it would make bug reports useless.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'NETWORK':
      return 'The server could not be reached. Check your connection and try again.';
    case 'NOT_READY':
      return 'No model is ready yet. An admin can upload a dataset and build one on the Admin page.';
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return 'The API key was refused. Enter a valid admin key.';
    case 'RATE_LIMITED':
      return 'Too many requests. Wait a moment and try again.';
    default:
      return error.message;
  }
}

/** Thin typed wrapper over fetch for the API. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: FetchLike;
  private readonly apiKey: () => string | null;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '/api/v1';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.apiKey = options.apiKey ?? (() => null);
  }

  /** GET `path` (relative to the base URL) with `query`; resolves to the parsed JSON. */
  get<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    return this.send<T>('GET', withQuery(path, query), { signal });
  }

  /** POST a JSON body. `admin` adds the API key header. */
  postJson<T>(path: string, body: unknown, admin = false, signal?: AbortSignal): Promise<T> {
    return this.send<T>('POST', path, {
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json', ...this.adminHeaders(admin) },
      signal,
    });
  }

  /** POST multipart form data (file uploads). Always an admin call. */
  postForm<T>(path: string, form: FormData): Promise<T> {
    return this.send<T>('POST', path, { body: form, headers: this.adminHeaders(true) });
  }

  /** GET an admin resource (sends the API key). */
  getAdmin<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', withQuery(path, query), { headers: this.adminHeaders(true) });
  }

  private adminHeaders(admin: boolean): Record<string, string> {
    const key = admin ? this.apiKey() : null;
    return key === null || key === '' ? {} : { 'X-API-Key': key };
  }

  private async send<T>(method: string, path: string, init: RequestInit): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.baseUrl}${path}`, { ...init, method, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError(0, 'NETWORK', cause instanceof Error ? cause.message : 'network error');
    }
    const text = await response.text();
    return parseAnswer(response.status, text) as T;
  }
}
