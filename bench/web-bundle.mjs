// Sums the gzip size of the JavaScript the browser loads for the accounts list (the landing
// screen): the entry chunk and every chunk it imports statically. Lazy routes are not counted.
// Usage: node web-bundle.mjs [--build] [--limit 80]   (exit 1 when over the limit, in KB)
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = fileURLToPath(new URL('../apps/web/', import.meta.url));
const args = process.argv.slice(2);
const limitAt = args.indexOf('--limit');
const limitKb = limitAt >= 0 ? Number(args[limitAt + 1]) : 80;

if (args.includes('--build')) {
  const vite = join(
    dirname(createRequire(join(web, 'package.json')).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: web,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const dist = join(web, 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entryKey) throw new Error('no entry in the Vite manifest');

// Walk static imports only: dynamic imports are the lazy routes, loaded when visited.
const seen = new Set();
const walk = (key) => {
  if (seen.has(key)) return;
  seen.add(key);
  for (const k of manifest[key].imports ?? []) walk(k);
};
walk(entryKey);

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const rows = [...seen].map((k) => ({ file: manifest[k].file, gzip: gz(manifest[k].file) }));
const css = [...seen].flatMap((k) => manifest[k].css ?? []).map((file) => ({ file, gzip: gz(file) }));
const totalJs = rows.reduce((s, r) => s + r.gzip, 0);
const kb = (n) => (n / 1024).toFixed(1) + ' KB';

for (const r of rows) console.log(`  js   ${r.file.padEnd(36)} ${kb(r.gzip).padStart(9)}`);
for (const r of css) console.log(`  css  ${r.file.padEnd(36)} ${kb(r.gzip).padStart(9)}`);
console.log(`initial JS for the accounts list: ${kb(totalJs)} gzip (limit ${limitKb} KB)`);
if (totalJs > limitKb * 1024) {
  console.error(`over the ${limitKb} KB budget`);
  process.exit(1);
}
