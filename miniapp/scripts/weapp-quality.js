#!/usr/bin/env node
/**
 * WeChat's own code-quality scan of the weapp build, offline: `miniprogram-ci`'s `checkCodeQuality` (the
 * checks DevTools shows under 代码质量) and `analyseCode` (the dependency analysis behind them), with a
 * placeholder appid and a throwaway private key generated for the run (only upload/preview/compile talk
 * to WeChat's servers). On top of WeChat's checks, our budgets: main package < 1 MB, clerk pages and
 * clerk-only code only in the `clerk/` subpackage, no unreferenced code files.
 *
 *   node miniapp/scripts/weapp-quality.js [--dist miniapp/dist/weapp] [--json]
 *
 * Exit 0 when everything is green; 1 with the failing checks listed. The jest gate
 * (test/dist-gates.test.ts) runs it in a child process, because miniprogram-ci leaves a file watcher open.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const KB = 1024;
/** Our budget for the consumer main package (WeChat's hard limit is 2 MB, its scan warns at 1.5 MB). */
const MAIN_PACKAGE_BUDGET = 1024 * KB;
/** WeChat's limit per subpackage. */
const SUBPACKAGE_LIMIT = 2048 * KB;
const PLACEHOLDER_APPID = 'wx0000000000000000';
const CLERK_ROOT = 'clerk/';
/** Strings only clerk code contains: finding one outside the subpackage means clerk code leaked into main. */
const CLERK_ONLY_MARKERS = ['/api/clerk/', 'o2o.staff-session'];
const CODE_EXT = /\.(js|json|wxml|wxss|wxs)$/;

function listFiles(dir, base = dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full).split(path.sep).join('/')];
  });
}

async function runQuality(distDir) {
  const ci = require('miniprogram-ci');
  const failures = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'o2o-mpci-'));
  try {
    // A key is required to construct a Project; nothing is signed or sent with it.
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privateKeyPath = path.join(tmp, 'private.placeholder.key');
    fs.writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    const project = new ci.Project({ appid: PLACEHOLDER_APPID, type: 'miniProgram', projectPath: distDir, privateKeyPath, ignores: [] });

    // 1. WeChat's code-quality checks, every one green.
    const checks = await ci.checkCodeQuality(project);
    if (!Array.isArray(checks) || checks.length === 0) failures.push('checkCodeQuality returned no checks');
    for (const c of checks) {
      if (!c.success) failures.push(`checkCodeQuality ${c.name}: ${c.text}${c.detail ? ` ${JSON.stringify(c.detail)}` : ''}`);
    }
    // The tool reports CONTAINS_UNUSED_CODES green whenever DevTools would skip unused files on upload;
    // we want none at all, so its detail must be empty too.
    const unused = checks.find((c) => c.name === 'CONTAINS_UNUSED_CODES');
    if (unused && Array.isArray(unused.detail) && unused.detail.length > 0) {
      failures.push(`unused code files (CONTAINS_UNUSED_CODES detail): ${unused.detail.join(', ')}`);
    }
    const sizeCheck = checks.find((c) => c.name === 'PACKAGE_SIZE_LIMIT');
    const sizes = (sizeCheck && sizeCheck.detail) || {};

    // 2. The dependency analysis: no module errors, no unresolved dependencies, no unreferenced code files.
    const analysis = await ci.analyseCode(project, { silent: true });
    if (!analysis) failures.push('analyseCode returned nothing');
    const modules = (analysis && analysis.modules) || [];
    const files = (analysis && analysis.files) || [];
    for (const m of modules) {
      for (const e of m.errors || []) failures.push(`analyseCode ${m.id}: ${e}`);
      if (m.buildError) failures.push(`analyseCode ${m.id}: build error ${m.buildError}`);
      for (const d of m.deps || []) if (d.error) failures.push(`analyseCode ${m.id}: cannot resolve ${d.request} (${d.error})`);
    }
    for (const f of files) if (!f.moduleId) failures.push(`analyseCode: ${f.path} is not referenced by any page or component`);

    // 3. Package budgets.
    const main = sizes.__APP__;
    if (typeof main !== 'number') failures.push('no main package size reported');
    else if (main >= MAIN_PACKAGE_BUDGET) failures.push(`main package is ${(main / KB).toFixed(1)} KB, budget < ${MAIN_PACKAGE_BUDGET / KB} KB`);
    for (const [root, size] of Object.entries(sizes)) {
      if (root !== '__APP__' && size >= SUBPACKAGE_LIMIT) failures.push(`subpackage ${root} is ${(size / KB).toFixed(1)} KB, limit ${SUBPACKAGE_LIMIT / KB} KB`);
    }

    // 4. Clerk pages and clerk-only code live in the clerk subpackage, nowhere else.
    const appJson = JSON.parse(fs.readFileSync(path.join(distDir, 'app.json'), 'utf8'));
    const subRoots = (appJson.subPackages || appJson.subpackages || []).map((s) => (s.root.endsWith('/') ? s.root : `${s.root}/`));
    if (!subRoots.includes(CLERK_ROOT)) failures.push('app.json has no clerk/ subpackage');
    for (const page of appJson.pages || []) if (page.startsWith(CLERK_ROOT)) failures.push(`clerk page ${page} is in the main package`);
    for (const f of files) {
      if (f.path.startsWith(CLERK_ROOT) && f.subPackage !== CLERK_ROOT) failures.push(`${f.path} is not counted in the clerk subpackage`);
    }
    const mainFiles = listFiles(distDir).filter((f) => CODE_EXT.test(f) && !subRoots.some((r) => f.startsWith(r)));
    for (const f of mainFiles) {
      const text = fs.readFileSync(path.join(distDir, f), 'utf8');
      for (const marker of CLERK_ONLY_MARKERS) {
        if (text.includes(marker)) failures.push(`main-package file ${f} contains clerk-only code ("${marker}")`);
      }
    }

    return {
      failures,
      checks: checks.map((c) => ({ name: c.name, success: c.success, text: c.text })),
      sizes: Object.fromEntries(Object.entries(sizes).map(([k, v]) => [k === '__APP__' ? 'main' : k, v])),
      files: files.length,
      modules: modules.length,
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function report(result) {
  const lines = ['WeChat code-quality scan (miniprogram-ci, offline)'];
  for (const c of result.checks) lines.push(`  ${c.success ? 'ok  ' : 'FAIL'} ${c.name}  ${c.text}`);
  lines.push(`  analyseCode: ${result.modules} modules, ${result.files} files`);
  for (const [k, v] of Object.entries(result.sizes)) lines.push(`  package ${k}: ${(v / KB).toFixed(1)} KB`);
  if (result.failures.length) {
    lines.push('', `${result.failures.length} failing check(s):`);
    for (const f of result.failures) lines.push(`  - ${f}`);
  } else {
    lines.push('', 'all checks green');
  }
  return lines.join('\n');
}

module.exports = { runQuality, report, MAIN_PACKAGE_BUDGET };

if (require.main === module) {
  const args = process.argv.slice(2);
  const distArg = args.indexOf('--dist');
  const distDir = path.resolve(distArg >= 0 ? args[distArg + 1] : path.join(__dirname, '..', 'dist', 'weapp'));
  const json = args.includes('--json');
  if (!fs.existsSync(path.join(distDir, 'app.json'))) {
    process.stderr.write(`no weapp build at ${distDir}: run npm run build:weapp -w @o2o/miniapp\n`);
    process.exit(2);
  }
  runQuality(distDir).then(
    (result) => {
      process.stdout.write(json ? `${JSON.stringify(result)}\n` : `${report(result)}\n`);
      // miniprogram-ci keeps a file watcher open: exit explicitly.
      process.exit(result.failures.length ? 1 : 0);
    },
    (err) => {
      process.stderr.write(`weapp quality scan crashed: ${err && err.stack ? err.stack : err}\n`);
      process.exit(2);
    },
  );
}
