/** Calls of the running API (`rate`, and the filtered, explained or per-algorithm lists of `recommend`/`similar`). */
import { errorBody } from '@movielens/contracts';

/** Where the API answers when `--api` is not given (the port `movielens up` serves on). */
export const DEFAULT_API = 'http://localhost:3000';

/** What `callApi` checks an answer with: a zod schema of the contracts. */
export interface AnswerSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { message: string }[] } };
}

/** Options of {@link callApi}. */
export interface ApiCall<T> {
  /** The command, named in errors. */
  what: string;
  /** Status of a success. */
  okStatus: number;
  /** The contract of the success body: an answer that does not parse is an error (another version's API?). */
  answer: AnswerSchema<T>;
  /** Tries; network errors and 5xx answers are tried again (only for requests that are safe to repeat). Default 1. */
  attempts?: number;
  /** Per try, ms. Default 10 s. */
  timeoutMs?: number;
}

/** `--api URL` without trailing slashes; refuses what is not an http(s) URL. */
export function apiBase(value: unknown): string {
  const text = String(value ?? DEFAULT_API).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--api: '${text}' is not a URL (e.g. ${DEFAULT_API})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--api: '${text}' is not an http(s) URL`);
  return text;
}

/**
 * Sends one request to the API and returns its body, checked against `call.answer`. A 4xx
 * throws at once with the API's code and message; an unreachable API names the URL and how to
 * start one.
 */
export async function callApi<T>(url: string, init: RequestInit, call: ApiCall<T>): Promise<T> {
  const attempts = call.attempts ?? 1;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, 200 * (attempt - 1)));
    let res: Response;
    try {
      res = await fetch(url, { ...init, signal: AbortSignal.timeout(call.timeoutMs ?? 10_000) });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      last = `cannot reach the API at ${new URL(url).origin} (${cause}): start it with \`movielens up\`, or name it with --api URL`;
      continue;
    }
    const body: unknown = await res.json().catch(() => null);
    if (res.status === call.okStatus) {
      const parsed = call.answer.safeParse(body);
      if (parsed.success) return parsed.data;
      throw new Error(`${call.what}: ${url} answered ${res.status} with an unexpected body (${parsed.error.issues[0]?.message ?? 'invalid'}); is it this version's API?`);
    }
    const error = errorBody.safeParse(body);
    last = `${res.status} ${error.data?.error.code ?? ''}: ${error.data?.error.message ?? res.statusText}`;
    if (res.status < 500) break;
  }
  throw new Error(`${call.what}: ${last}`);
}
