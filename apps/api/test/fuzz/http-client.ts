import { request as httpRequest } from 'node:http';

/** One request as the fuzzer sends it: the path is written to the wire as given, never normalized. */
export interface RawRequest {
  method: string;
  /** Path and query exactly as sent (percent-escapes kept, `%2e%2e` not resolved). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** What came back: status, headers (lower-case names) and the whole body. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * Sends one request over a fresh connection to 127.0.0.1:`port` with node:http (not fetch: the
 * WHATWG URL parser would resolve `%2e%2e` and re-encode the path before it is sent).
 * @param timeoutMs - the whole exchange's bound; a hang is a failure of the server, reported as an error
 */
export function sendRaw(port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms: ${req.method} ${req.path.slice(0, 200)}`)));
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
