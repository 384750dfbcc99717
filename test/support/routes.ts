import type { HttpServer } from '../../src/platform/http/index.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minimum?: number;
  items?: JsonSchema;
}

export interface Operation {
  method: HttpMethod;
  /** OpenAPI path, e.g. /api/v1/members/{userId} */
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
}

/** Every documented operation of the app, read from its generated OpenAPI document. */
export function operationsOf(app: HttpServer): Operation[] {
  const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema }[];
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)
        ?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase() as HttpMethod,
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        body,
      });
    }
  }
  return ops;
}

/** A minimal valid value for a schema (first enum value, a plausible string for each format). */
export function sampleOf(schema: JsonSchema, hint = ''): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sampleOf(schema.anyOf[0] as JsonSchema, hint);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sampleOf(schema.properties?.[key] ?? {}, key);
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      if (schema.format === 'email') return `probe-${Math.random().toString(36).slice(2, 8)}@probe.test`;
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.pattern?.startsWith('^[a-z0-9]')) return `probe-${Math.random().toString(36).slice(2, 8)}`;
      if (hint.toLowerCase().includes('password')) return 'probe-password-123';
      return `probe ${hint}`;
  }
}

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate becomes the bytes of an invalid UTF-8 sequence
 * instead of throwing — exactly the kind of hostile input a server must survive.
 */
export function encodeLoose(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value]
      .map((ch) => (/[\ud800-\udfff]/.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch)))
      .join('');
  }
}

/** Fills an OpenAPI path's {params}. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeLoose(values[name] ?? 'x'));
}
