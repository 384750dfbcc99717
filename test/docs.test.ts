import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') && !file.endsWith('.test.ts') ? [file] : [];
  });
}

describe('docs/errors.md', () => {
  it('lists every error code the server can send', () => {
    const doc = readFileSync('docs/errors.md', 'utf8');
    const codes = new Set<string>();
    for (const file of sourceFiles('src')) {
      const text = readFileSync(file, 'utf8');
      // new AppError('CODE', …), ternaries inside it, and the framework-code table rows ['CODE', status, key].
      for (const m of text.matchAll(
        /AppError\(\s*(?:[\w.]+\s*\?\s*)?'([A-Z][A-Z0-9_]+)'(?:\s*:\s*'([A-Z][A-Z0-9_]+)')?/g,
      )) {
        codes.add(m[1] as string);
        if (m[2]) codes.add(m[2]);
      }
      for (const m of text.matchAll(/\['([A-Z][A-Z0-9_]+)', \d{3}, 'error\./g)) codes.add(m[1] as string);
    }
    expect(codes.size).toBeGreaterThan(25);
    const missing = [...codes].filter((c) => !doc.includes(`\`${c}\``));
    expect(missing).toEqual([]);
  });
});
