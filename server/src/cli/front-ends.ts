import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const SCRIPTS = { console: 'build:console', h5: 'build:h5' } as const;

/**
 * Builds a front-end with the root npm script (`npm run build:console` / `build:h5`), output kept out of the
 * server's own log except on failure. Resolves true on success. Used by `npm start` on a fresh clone.
 */
export function buildFrontEnd(which: keyof typeof SCRIPTS): Promise<boolean> {
  process.stdout.write(`Building the ${which === 'console' ? 'console' : 'H5 app'} (first start only)…\n`);
  return new Promise((resolve) => {
    const child = spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', SCRIPTS[which], '--silent'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out = (out + d).slice(-20_000)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-20_000)));
    child.on('error', () => resolve(false));
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`${which} build failed:\n${out}\n`);
      resolve(code === 0);
    });
  });
}
