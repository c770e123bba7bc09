/**
 * Request generators for the route fuzzer, driven by the OpenAPI document: every documented
 * operation, its path and query parameters filled with hostile values (any Unicode, lone
 * surrogates as percent-escapes, controls, invalid UTF-8, huge and negative numbers, long
 * strings), extra and repeated parameters (`k[]=1`, `a[b]=c`, `__proto__[x]=1`), odd content
 * types and bodies, with or without the API key.
 */
import fc from 'fast-check';
import type { RawRequest } from './http-client';

/** One documented operation, as the fuzzer needs it. */
export interface Operation {
  method: string;
  /** Path template, e.g. `/api/v1/movies/{id}/similar`. */
  template: string;
  pathParams: string[];
  queryParams: string[];
  /** Per query parameter, values its schema allows (enum members, small integers, the default). */
  validValues: string[][];
  /** Status codes the document lists for it. */
  statuses: Set<number>;
  /** True when it needs the API key (a `security` requirement). */
  secured: boolean;
  /** Content types of its request body, when it takes one. */
  bodyTypes: string[];
}

interface OpenApiOperation {
  parameters?: { name: string; in: string; schema?: { enum?: unknown[]; type?: string; minimum?: number; default?: unknown } }[];
  responses?: Record<string, unknown>;
  security?: unknown[];
  requestBody?: { content?: Record<string, unknown> };
}

/** Values a parameter's schema allows, as URL text; empty when the schema says nothing usable. */
function validValuesOf(schema: { enum?: unknown[]; type?: string; minimum?: number; default?: unknown } | undefined): string[] {
  if (schema === undefined) return [];
  if (schema.enum !== undefined) return schema.enum.map(String);
  const values = schema.default === undefined ? [] : [String(schema.default)];
  if (schema.type === 'integer') values.push(...[0, 1, 2, 5].map((d) => String((schema.minimum ?? 1) + d)));
  return values;
}

/** Every operation of the document. */
export function operationsOf(doc: { paths: Record<string, unknown> }): Operation[] {
  const ops: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(item as Record<string, OpenApiOperation>)) {
      const params = raw.parameters ?? [];
      ops.push({
        method: method.toUpperCase(),
        template,
        pathParams: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        validValues: params.filter((p) => p.in === 'query').map((p) => validValuesOf(p.schema)),
        statuses: new Set(Object.keys(raw.responses ?? {}).map(Number)),
        secured: raw.security !== undefined,
        bodyTypes: Object.keys(raw.requestBody?.content ?? {}),
      });
    }
  }
  return ops;
}

/** UTF-8 bytes of one UTF-16 code unit sequence, lone surrogates included (WTF-8), as `%XX` escapes. */
function escapeUnits(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    const next = text.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      out += `%${(0xe0 | (unit >> 12)).toString(16)}%${(0x80 | ((unit >> 6) & 0x3f)).toString(16)}%${(0x80 | (unit & 0x3f)).toString(16)}`.toUpperCase();
    } else {
      // Printable ASCII that is legal in a request target stays raw half of the time: servers must read both forms.
      const ch = text[i];
      out += unit > 0x20 && unit < 0x7f && !'#%&=?+/ '.includes(ch) && (unit & 1) === 0 ? ch : encodeURIComponent(ch);
    }
  }
  return out;
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const hostileChar = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: control },
  { weight: 1, arbitrary: fc.constantFrom('\u2019', '\u202e', '\u{1F600}', '\ufeff', '\u00a0', '\u0130', 'é', '"', "'", '\\', '<', '[', ']') },
);

/** Values a real client sends (ids of the test model, small k, real genres): cases must also reach the model, not only the validators. */
const plausibleList = ['1', '2', '3', '4', '6', '9', '12', '30', '45', '90', '5', '10', '20', 'Action', 'Comedy', 'mi', 'Am%C3%A9lie', 'puresvd', 'mf', 'women', 'men', '3,6,9', '3,7', 'ingest:1', 'rebuild:1'];
const plausible = fc.constantFrom(...plausibleList);

/** A value as it appears in a URL: already escaped, possibly with raw `%XX` bytes that are not UTF-8. */
const urlValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: plausible },
  { weight: 3, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }).map(escapeUnits) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), fc.double()).map((n) => encodeURIComponent(String(n))) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', '0', '-1', '1', '3', '6', '99', '100', '101', '1e3', '0x10', '1.5', '+1', '%', '%2', '%zz', '%2e%2e', '..', '%2F', 'NaN', 'Infinity', 'null', 'true', '[]', '{}') },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => 'x'.repeat(n)) },
);

/** Query keys besides the documented ones: bracketed, prototype-polluting, repeated. */
const extraKey = fc.oneof(
  fc.constantFrom('k[]', 'a[b]', '__proto__[x]', '__proto__', 'constructor', 'constructor[prototype][x]', 'toString', 'hasOwnProperty', 'key', ''),
  fc.string({ unit: hostileChar, maxLength: 12 }).map(escapeUnits),
);

/** Request bodies: valid-looking JSON with wrong types, arbitrary JSON, broken JSON, raw bytes, big ones. */
const body = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        movies: fc.oneof(fc.array(fc.oneof(fc.integer(), fc.string(), fc.double()), { maxLength: 20 }), fc.jsonValue({ maxDepth: 1 })),
        ratings: fc.array(fc.record({ movieId: fc.oneof(fc.integer(), fc.string()), rating: fc.oneof(fc.double(), fc.string()) }), { maxLength: 10 }),
        liked: fc.array(fc.oneof(fc.integer({ min: -5, max: 200 }), fc.string()), { maxLength: 10 }),
        k: fc.oneof(fc.integer(), fc.double(), fc.string()),
        params: fc.dictionary(fc.constantFrom('k', 'topK', 'recsN', 'minCount', 'mf', 'lstm', '__proto__', 'x'), fc.jsonValue({ maxDepth: 1 })),
      }, { requiredKeys: [] })
      .map((v) => JSON.stringify(v)),
  },
  { weight: 4, arbitrary: fc.constantFrom('{"movies":[3,6,9]}', '{"movies":[3,6,9],"k":5}', '{"liked":[3,6]}', '{"ratings":[{"movieId":3,"rating":5},{"movieId":9,"rating":1}]}', '{"params":{"k":3}}', '{"params":{}}', '{}') },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"movies":[1,2', '[]', 'null', '"x"', '{"__proto__":{"polluted":1},"movies":[3]}', '{"constructor":{"prototype":{"x":1}}}') },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1')) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 400_000 }).map((n) => `{"movies":[${'1,'.repeat(n / 2)}1]}`) },
);

/** A multipart body with hostile parts: field names, repeated fields, file names, MovieLens-looking and broken contents. */
const multipart = fc
  .array(
    fc.oneof(
      fc.record({ field: fc.constantFrom('mode', 'maxErrors', 'x', '__proto__', 'files'), value: fc.oneof(fc.constantFrom('replace', 'append', '0', '5', '-1', ''), fc.string({ unit: hostileChar, maxLength: 30 })) }),
      fc.record({
        file: fc.oneof(fc.constantFrom('u.data', 'ratings.dat', 'movies.csv', 'u.item', 'x.zip', '', '../../u.data', 'a\\u.data'), fc.string({ unit: hostileChar, maxLength: 20 })),
        content: fc.oneof(fc.constantFrom('1\t3\t5\t881250949\n2\t6\t3\t891717742\n', '1::3::5::978300760\n', 'userId,movieId,rating,timestamp\n1,3,4.5,1\n', 'PK\u0003\u0004junk'), fc.string({ unit: hostileChar, maxLength: 200 })),
      }),
    ),
    { maxLength: 6 },
  )
  .map((parts) => {
    const b = 'fuzzBoundary7';
    const text = parts
      .map((p) =>
        'field' in p
          ? `--${b}\r\nContent-Disposition: form-data; name="${p.field}"\r\n\r\n${p.value}\r\n`
          : `--${b}\r\nContent-Disposition: form-data; name="files"; filename="${p.file.replace(/["\r\n]/g, '_')}"\r\nContent-Type: application/octet-stream\r\n\r\n${p.content}\r\n`,
      )
      .join('');
    return `${text}--${b}--\r\n`;
  });

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'multipart/form-data',
  'application/octet-stream',
  'application/vnd.api+json',
  '',
);

/** Which credentials a case presents. */
const credentials = fc.constantFrom<'none' | 'key' | 'wrong' | 'bearer'>('none', 'key', 'key', 'wrong', 'bearer');

/** One generated request for `op`, with the key it may present. */
export function requestFor(ops: Operation[], apiKey: string): fc.Arbitrary<{ op: Operation; req: RawRequest }> {
  return fc
    .record({
      op: fc.constantFrom(...ops),
      pathValues: fc.array(fc.oneof({ weight: 2, arbitrary: plausible }, { weight: 1, arbitrary: urlValue }), { minLength: 3, maxLength: 3 }),
      // A number picks one of the parameter's valid values; a string is a hostile one.
      known: fc.array(fc.option(fc.oneof({ weight: 4, arbitrary: fc.nat() }, { weight: 1, arbitrary: plausible }, { weight: 1, arbitrary: urlValue }), { nil: undefined }), { minLength: 6, maxLength: 6 }),
      extra: fc.oneof({ weight: 3, arbitrary: fc.constant<[string, string][]>([]) }, { weight: 1, arbitrary: fc.array(fc.tuple(extraKey, urlValue), { minLength: 1, maxLength: 4 }) }),
      repeatKnown: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      body,
      multipart,
      contentType,
      credentials,
      origin: fc.option(fc.constantFrom('https://elsewhere.example', 'null', 'http://localhost:3000'), { nil: undefined }),
      ifNoneMatch: fc.option(fc.constantFrom('*', '"x"', 'W/"y"', '"a", "b"'), { nil: undefined }),
    })
    .map(({ op, pathValues, known, extra, repeatKnown, body: json, multipart: form, contentType: type, credentials: cred, origin, ifNoneMatch }) => {
      let i = 0;
      const path = op.template.replace(/\{[^}]+\}/g, () => pathValues[i++] || '1');
      // Each documented parameter is sent or not (mostly with values a client would send), then any extra ones.
      const pairs = op.queryParams.flatMap((name, n) => {
        const pick = known[n % known.length];
        if (pick === undefined) return [];
        const valid = op.validValues[n];
        if (typeof pick === 'number') return valid.length === 0 ? [`${name}=${plausibleList[pick % plausibleList.length]}`] : [`${name}=${encodeURIComponent(valid[pick % valid.length])}`];
        return [`${name}=${pick}`];
      });
      pairs.push(...extra.map(([key, value]) => `${key}=${value}`));
      if (repeatKnown && op.queryParams.length > 0) pairs.push(`${op.queryParams[0]}=1`, `${op.queryParams[0]}=2`);
      const headers: Record<string, string> = {};
      if (cred === 'key') headers['x-api-key'] = apiKey;
      if (cred === 'wrong') headers['x-api-key'] = 'wrong-key-0123456789';
      if (cred === 'bearer') headers.authorization = `Bearer ${apiKey}`;
      if (origin !== undefined) headers.origin = origin;
      if (ifNoneMatch !== undefined) headers['if-none-match'] = ifNoneMatch;
      const withBody = op.method !== 'GET';
      // Multipart routes get a well-formed form most of the time, so the parts themselves are tried.
      const asForm = op.bodyTypes.includes('multipart/form-data') && type.startsWith('multipart/form-data');
      const text = asForm ? form : json;
      if (withBody && type !== '') headers['content-type'] = asForm ? 'multipart/form-data; boundary=fuzzBoundary7' : type;
      return {
        op,
        req: { method: op.method, path: pairs.length > 0 ? `${path}?${pairs.join('&')}` : path, headers, body: withBody ? Buffer.from(text) : undefined },
      };
    });
}
