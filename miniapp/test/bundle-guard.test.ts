import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * `@o2o/shared`'s index re-exports zod and every request schema; one runtime (non-type) import from it
 * puts all of zod (~140 KB) into the main package. Import types with `import type`, and runtime
 * helpers from their module (`@o2o/shared/phone`, `@o2o/shared/money`), which stay a few hundred bytes.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

const SRC = path.resolve(__dirname, '..', 'src');

describe('bundle guard', () => {
  it('imports only types from the @o2o/shared index', () => {
    const offenders = sourceFiles(SRC).filter((file) => {
      const text = readFileSync(file, 'utf8');
      return /import\s+(?!type\s)[^;]*?from\s+['"]@o2o\/shared['"]/.test(text);
    });
    expect(offenders.map((f) => path.relative(SRC, f))).toEqual([]);
  });

  it('never reads a non-public environment variable in app code', () => {
    const envReads = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    const nonPublic = envReads.filter((name) => !name.startsWith('TARO_APP_') && name !== 'TARO_ENV' && name !== 'NODE_ENV');
    expect(nonPublic).toEqual([]);
  });
});
