import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './index.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'tp-config-'));

describe('config', () => {
  it('has working defaults: SQLite under DATA_DIR, a generated secret key, Asia/Shanghai', () => {
    const dir = tmp();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseKind: 'sqlite',
      databaseUrl: `sqlite:${path.join(dir, 'touchpoint.db')}`,
      tzDefault: 'Asia/Shanghai',
      seedDemo: true,
      cookieSecure: false,
      publicUrl: 'http://localhost:3000',
    });
    expect(Object.isFrozen(config)).toBe(true);
    const keyFile = path.join(dir, 'secret.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(config.secretKey.length).toBe(32);
    // The same key is read back on the next start.
    expect(loadConfig({ DATA_DIR: dir }).secretKey.equals(config.secretKey)).toBe(true);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(config.secretKey.toString('hex'));
  });

  it('collects every bad value into one clear error', () => {
    try {
      loadConfig({
        DATA_DIR: tmp(),
        PORT: 'abc',
        LOG_LEVEL: 'loud',
        TZ_DEFAULT: 'Mars/Base',
        DATABASE_URL: 'mysql://x',
        TOUCHPOINT_SECRET_KEY: 'short',
        JOBS_ENABLED: 'maybe',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of [
        'PORT',
        'LOG_LEVEL',
        'TZ_DEFAULT',
        'DATABASE_URL',
        'TOUCHPOINT_SECRET_KEY',
        'JOBS_ENABLED',
      ])
        expect(problems).toContain(name);
      // Secrets are never echoed.
      expect(problems).not.toContain('short');
    }
  });

  it('switches to PostgreSQL by URL, turns off demo seeding there and masks secrets in logs', () => {
    const key = 'ab'.repeat(32);
    const config = loadConfig({
      DATA_DIR: tmp(),
      DATABASE_URL: 'postgres://tp:s3cret@db:5432/touchpoint',
      TOUCHPOINT_SECRET_KEY: key,
      PUBLIC_URL: 'https://cx.example.com/',
    });
    expect(config).toMatchObject({
      databaseKind: 'postgres',
      seedDemo: false,
      cookieSecure: true,
      publicUrl: 'https://cx.example.com',
    });
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).not.toContain('s3cret');
    expect(shown).not.toContain(key);
    expect(shown).toContain('postgres://tp:***@db:5432/touchpoint');
  });
});
