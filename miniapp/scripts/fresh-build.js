/**
 * Builds `dist/<target>` only when it is older than its inputs, so the dist gates (jest) and the e2e reuse
 * the build CI just made and rebuild after a source change. Usage: `node miniapp/scripts/fresh-build.js weapp|h5`.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const MINIAPP = path.resolve(__dirname, '..');
const INPUTS = [
  'src',
  'config',
  'project.config.json',
  'babel.config.js',
  'package.json',
  'tsconfig.json',
  path.join('..', 'shared', 'src'),
].map((p) => path.join(MINIAPP, p));
/** A file every complete build of the target writes last-ish; its mtime is the build's. */
const MARKERS = { weapp: 'app.json', h5: 'index.html' };

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted or renamed file shows only in its directory's mtime
  for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function distDir(target) {
  return path.join(MINIAPP, 'dist', target);
}

/** Why the build is stale, or null when it is fresh. */
function staleReason(target) {
  const marker = path.join(distDir(target), MARKERS[target]);
  if (!fs.existsSync(marker)) return `no build at ${path.relative(process.cwd(), distDir(target))}`;
  const built = fs.statSync(marker).mtimeMs;
  const newest = Math.max(...INPUTS.map(newestMtime));
  return newest > built ? 'sources changed since the last build' : null;
}

/** Builds when stale (production mode, only TARO_APP_* from the caller's environment). Throws on failure. */
function ensureFreshBuild(target, { log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (!MARKERS[target]) throw new Error(`unknown build target ${target}`);
  const reason = staleReason(target);
  if (!reason) return { built: false, dir: distDir(target) };
  log(`[fresh-build] ${target}: ${reason}; running npm run build:${target} -w @o2o/miniapp`);
  const env = { ...process.env, NODE_ENV: 'production' };
  const res = spawnSync('npm', ['run', `build:${target}`, '-w', '@o2o/miniapp'], {
    cwd: path.join(MINIAPP, '..'),
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    const tail = `${res.stdout ?? ''}\n${res.stderr ?? ''}`.split('\n').slice(-40).join('\n');
    throw new Error(`npm run build:${target} failed (exit ${res.status}):\n${tail}`);
  }
  const after = staleReason(target);
  if (after) throw new Error(`build:${target} finished but the output is still stale: ${after}`);
  return { built: true, dir: distDir(target) };
}

module.exports = { ensureFreshBuild, staleReason, distDir, MINIAPP };

if (require.main === module) {
  const targets = process.argv.slice(2);
  try {
    for (const t of targets.length ? targets : ['weapp', 'h5']) {
      const r = ensureFreshBuild(t);
      process.stdout.write(`${t}: ${r.built ? 'built' : 'fresh'} (${r.dir})\n`);
    }
  } catch (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}
