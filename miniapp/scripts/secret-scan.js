#!/usr/bin/env node
/**
 * No secret in the bundle: scans every file of the given build folders (default miniapp/dist/weapp and
 * miniapp/dist/h5) for
 *   - PEM private keys (merchant key, the CI upload key);
 *   - `TOKEN_SECRET`-like values: standalone base64 of exactly 32 bytes (how every server secret is written);
 *   - 32-hex-character strings (the shape of a WeChat AppSecret, which the emulator also uses);
 *   - `session_key` (WeChat's per-user key must never reach the client);
 *   - server secret variable names (a sign that server configuration was compiled in);
 *   - the literal values of the secrets this machine actually uses: data/dev-secrets.json (npm start's
 *     development secrets, including the emulator's WeChat secret) and any secret variable set in the
 *     environment.
 *
 *   node miniapp/scripts/secret-scan.js [dir…]
 *
 * Exit 0 when clean, 1 with each finding (file, rule, a masked excerpt). Used by test/dist-gates.test.ts.
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..');
const SECRET_VARS = [
  'TOKEN_SECRET',
  'PII_KEY',
  'PII_INDEX_KEY',
  'COUPON_CODE_SECRET',
  'WECHAT_SECRET',
  'WECHATPAY_APIV3_KEY',
  'WECHATPAY_MERCHANT_KEY_FILE',
];

const RULES = [
  { id: 'private-key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  {
    id: 'base64-32-bytes',
    re: /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g,
    accept: (m) => Buffer.from(m, 'base64').length === 32,
  },
  { id: 'hex-32', re: /(?<![0-9A-Za-z])[0-9a-f]{32}(?![0-9A-Za-z])/g },
  { id: 'session_key', re: /session_?key/gi },
  { id: 'server-secret-name', re: new RegExp(`\\b(?:${SECRET_VARS.join('|')})\\b`, 'g') },
];

/** Values of the secrets in use on this machine, so a leak of the real thing is caught by value. */
function knownSecrets(env = process.env, devSecretsFile = path.join(REPO, 'data', 'dev-secrets.json')) {
  const values = new Map();
  try {
    const dev = JSON.parse(fs.readFileSync(devSecretsFile, 'utf8'));
    for (const name of SECRET_VARS) if (typeof dev[name] === 'string') values.set(`dev-secrets.json ${name}`, dev[name]);
  } catch {
    // no development secrets on this machine
  }
  for (const name of SECRET_VARS) {
    const v = env[name];
    if (v && v.length >= 8 && !name.endsWith('_FILE')) values.set(`env ${name}`, v);
  }
  return values;
}

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full) : [full];
  });
}

const mask = (s) => (s.length <= 8 ? '****' : `${s.slice(0, 4)}…${s.slice(-2)} (${s.length} chars)`);

/** Findings in `dirs`: [{file, rule, excerpt}]. `secrets`: name → value pairs to look for literally. */
function scanForSecrets(dirs, { secrets = knownSecrets() } = {}) {
  const findings = [];
  let scanned = 0;
  for (const dir of dirs) {
    for (const file of listFiles(dir)) {
      const buf = fs.readFileSync(file);
      const text = buf.toString('utf8');
      scanned += 1;
      for (const rule of RULES) {
        for (const m of text.matchAll(rule.re)) {
          if (rule.accept && !rule.accept(m[0])) continue;
          findings.push({ file, rule: rule.id, excerpt: mask(m[0]) });
        }
      }
      for (const [name, value] of secrets) {
        if (text.includes(value)) findings.push({ file, rule: `known secret (${name})`, excerpt: mask(value) });
      }
    }
  }
  return { findings, scanned };
}

module.exports = { scanForSecrets, knownSecrets, RULES };

if (require.main === module) {
  const args = process.argv.slice(2);
  const dirs = (args.length ? args : ['dist/weapp', 'dist/h5'].map((d) => path.join(__dirname, '..', d))).map((d) => path.resolve(d));
  const missing = dirs.filter((d) => !fs.existsSync(d));
  if (missing.length) {
    process.stderr.write(`nothing to scan at ${missing.join(', ')}: build first\n`);
    process.exit(2);
  }
  const { findings, scanned } = scanForSecrets(dirs);
  if (findings.length) {
    process.stdout.write(`${findings.length} possible secret(s) in the bundle:\n`);
    for (const f of findings) process.stdout.write(`  ${path.relative(process.cwd(), f.file)}: ${f.rule} ${f.excerpt}\n`);
    process.exit(1);
  }
  process.stdout.write(`no secrets in ${scanned} files under ${dirs.map((d) => path.relative(process.cwd(), d)).join(', ')}\n`);
}
