import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Catalogue = { [key: string]: string | Catalogue };

const I18N = new URL('../../web/src/i18n/', import.meta.url);
const AREAS = readdirSync(new URL('areas/', I18N));

function read(url: URL): Catalogue {
  return JSON.parse(readFileSync(url, 'utf8')) as Catalogue;
}

/** A language's whole catalogue: the shared file plus every area's, under the area key (as catalogues.ts merges). */
function load(locale: string): Catalogue {
  const catalogue = read(new URL(`${locale}.json`, I18N));
  for (const area of AREAS) catalogue[area] = read(new URL(`areas/${area}/${locale}.json`, I18N));
  return catalogue;
}

/** Every leaf key as a dotted path. */
function keysOf(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

/** The {{placeholders}} a text uses, sorted. */
function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
}

function valueAt(catalogue: Catalogue, path: string): string {
  let node: string | Catalogue | undefined = catalogue;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no text at ${path}`);
  return node;
}

describe('console message catalogues', () => {
  const zh = load('zh-CN');
  const en = load('en');

  it('merge every area folder, in both languages', () => {
    const merged = readFileSync(new URL('catalogues.ts', I18N), 'utf8');
    for (const area of AREAS) expect(merged, area).toContain(`./areas/${area}/zh-CN.json`);
  });

  it('have exactly the same keys in zh-CN and en', () => {
    expect(keysOf(zh).sort()).toEqual(keysOf(en).sort());
  });

  it('use the same placeholders in both languages', () => {
    for (const key of keysOf(en)) {
      expect(placeholders(valueAt(zh, key)), key).toEqual(placeholders(valueAt(en, key)));
    }
  });

  it('have no empty texts', () => {
    for (const catalogue of [zh, en]) {
      for (const key of keysOf(catalogue)) expect(valueAt(catalogue, key).trim(), key).not.toBe('');
    }
  });
});
