/**
 * zod to JSON Schema for the OpenAPI document (3.1, whose schemas are JSON Schema 2020-12).
 * A schema named with `.meta({ id })` becomes one entry of `components.schemas`, referenced
 * wherever it is used, instead of being repeated in every operation.
 */
import { z } from 'zod';

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** Which side of a transform a schema describes: what a client sends (`input`: defaults optional, coercions as their wire type) or what the server answers (`output`). */
export type SchemaSide = 'input' | 'output';

const DEFS = '#/$defs/';
const COMPONENTS = '#/components/schemas/';

/** Rewrites every `$ref` to `#/$defs/X` as `#/components/schemas/X`, in place. */
function pointRefsAtComponents(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) pointRefsAtComponents(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as JsonSchema;
  for (const [key, value] of Object.entries(record)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFS)) record[key] = COMPONENTS + value.slice(DEFS.length);
    else pointRefsAtComponents(value);
  }
}

/**
 * Collects named schemas into one `components.schemas` table while operations are converted.
 * Two different schemas under one name throw: a name means one shape in the whole document.
 */
export class SchemaComponents {
  /** The named schemas, by id, as the document lists them. */
  readonly schemas: Record<string, JsonSchema> = {};

  /** `schema` as JSON Schema; its named parts (and itself, when named) become components and `$ref`s. */
  convert(schema: z.ZodType, side: SchemaSide): JsonSchema {
    const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { io: side, unrepresentable: 'any' }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
    pointRefsAtComponents(json);
    for (const [id, def] of Object.entries($defs ?? {})) {
      pointRefsAtComponents(def);
      const known = this.schemas[id];
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(def)) {
        throw new Error(`Schema component ${id} has two shapes (used both as input and output, or two schemas share the id)`);
      }
      this.schemas[id] = def;
    }
    return json;
  }
}
