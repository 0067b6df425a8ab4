/**
 * @jest-environment node
 *
 * Gates on the real builds (root `npm test` runs them; CI builds first, so they reuse that build):
 * - the weapp build passes WeChat's own code-quality scan (miniprogram-ci, offline) with every check
 *   green, main package < 1 MB, clerk code only in its subpackage (scripts/weapp-quality.js);
 * - no secret in dist/weapp or dist/h5 (scripts/secret-scan.js).
 * A build older than its sources is rebuilt first (scripts/fresh-build.js), which takes about a minute.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distDir, ensureFreshBuild } from '../scripts/fresh-build';
import { scanForSecrets } from '../scripts/secret-scan';
import type { QualityResult } from '../scripts/weapp-quality';

jest.setTimeout(300_000);

const SCRIPTS = path.resolve(__dirname, '..', 'scripts');

describe('weapp build: WeChat code-quality scan', () => {
  let result: QualityResult;

  beforeAll(() => {
    ensureFreshBuild('weapp');
    // miniprogram-ci leaves a file watcher running: scan in a child process that exits.
    const run = spawnSync(process.execPath, [path.join(SCRIPTS, 'weapp-quality.js'), '--json', '--dist', distDir('weapp')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    try {
      result = JSON.parse(line) as QualityResult;
    } catch {
      throw new Error(`weapp-quality.js gave no result (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
  });

  it('has every check green (checkCodeQuality, analyseCode, package budgets, clerk subpackage)', () => {
    expect(result.checks.length).toBeGreaterThanOrEqual(10);
    if (result.failures.length) {
      throw new Error(`WeChat code-quality scan failed:\n${result.failures.map((f) => `  - ${f}`).join('\n')}`);
    }
  });

  it('keeps the main package under 1 MB and the clerk pages in their own subpackage', () => {
    expect(result.sizes.main).toBeLessThan(1024 * 1024);
    expect(result.sizes['clerk/']).toBeGreaterThan(0);
    const appJson = JSON.parse(fs.readFileSync(path.join(distDir('weapp'), 'app.json'), 'utf8'));
    expect(appJson.pages.every((p: string) => !p.startsWith('clerk/'))).toBe(true);
    expect(appJson.subPackages).toEqual([expect.objectContaining({ root: 'clerk', pages: expect.arrayContaining(['pages/home/index']) })]);
    expect(appJson.lazyCodeLoading).toBe('requiredComponents');
  });
});

describe('no secret in the bundle', () => {
  it('finds none in dist/weapp and dist/h5', () => {
    ensureFreshBuild('weapp');
    ensureFreshBuild('h5');
    const { findings, scanned } = scanForSecrets([distDir('weapp'), distDir('h5')]);
    expect(scanned).toBeGreaterThan(10);
    if (findings.length) {
      throw new Error(`possible secrets in the bundle:\n${findings.map((f) => `  ${f.file}: ${f.rule} ${f.excerpt}`).join('\n')}`);
    }
  });

  it('the scanner does catch each kind of secret (planted fixtures)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-secret-scan-'));
    try {
      const token = Buffer.alloc(32, 7).toString('base64');
      fs.writeFileSync(path.join(dir, 'key.js'), `var k="-----BEGIN RSA ${'PRIVATE'} KEY-----\\nMIIE...";`);
      fs.writeFileSync(path.join(dir, 'token.js'), `var t="${token}";`);
      fs.writeFileSync(path.join(dir, 'appsecret.js'), 'var s="0123456789abcdef0123456789abcdef";');
      fs.writeFileSync(path.join(dir, 'session.js'), 'res.data.session_key');
      fs.writeFileSync(path.join(dir, 'env.js'), 'process.env.TOKEN_SECRET');
      fs.writeFileSync(path.join(dir, 'known.js'), 'var x="not-a-pattern-but-known";');
      // Clean look-alikes: the base64 alphabet, a 16-byte base64 value, a 40-hex hash, a word with "key".
      fs.writeFileSync(
        path.join(dir, 'clean.js'),
        'var a="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";var b="AAAAAAAAAAAAAAAAAAAAAA==";var h="0123456789abcdef0123456789abcdef01234567";var keyName="sessionStorage";',
      );
      const { findings } = scanForSecrets([dir], { secrets: new Map([['test WECHAT_SECRET', 'not-a-pattern-but-known']]) });
      const byFile = (name: string) => findings.filter((f) => path.basename(f.file) === name).map((f) => f.rule);
      expect(byFile('key.js')).toContain('private-key');
      expect(byFile('token.js')).toContain('base64-32-bytes');
      expect(byFile('appsecret.js')).toContain('hex-32');
      expect(byFile('session.js')).toContain('session_key');
      expect(byFile('env.js')).toContain('server-secret-name');
      expect(byFile('known.js')).toEqual(['known secret (test WECHAT_SECRET)']);
      expect(byFile('clean.js')).toEqual([]);
      expect(findings.every((f) => !f.excerpt.includes(token))).toBe(true); // reports never print a secret
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
