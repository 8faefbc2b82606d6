// "Nothing else in the code may open a socket or call fetch": the guarded door
// (packages/core/src/door/) is the only product code that opens an outbound connection or runs a
// program. This test reads the source of the API and the core and fails on any other place.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
/** Product code that runs on the server. The mock mail server is a developer tool, not a way out. */
const scanned = ['packages/core/src', 'apps/api/src'];
const door = 'packages/core/src/door/';

/** What opens a connection, resolves a name or runs a program. */
const OUTBOUND: Array<[string, RegExp]> = [
  ['fetch()', /(^|[^.\w])fetch\(/],
  ['node:http / https / http2', /^import(?!\s+type)[^;]*from\s+'node:(http|https|http2)'/m],
  ['node:child_process', /from\s+'node:child_process'|require\(\s*'(node:)?child_process'\s*\)/],
  ['node:dgram', /from\s+'node:dgram'/],
  ['DNS lookups', /from\s+'node:dns(\/promises)?'/],
  [
    'net/tls connect',
    /import\s*\{[^}]*\b(connect|createConnection)\b[^}]*\}\s*from\s*'node:(net|tls)'|\b(net|tls)\.(connect|createConnection)\s*\(/,
  ],
  ['new Socket()', /new\s+(net\.)?Socket\s*\(/],
  ['HTTP client libraries', /from\s+'(undici|axios|got|node-fetch|ky|superagent)'/],
];

/**
 * Libraries that open their own sockets, each allowed in one place where it is handed only what the
 * door checked: nodemailer connects to the address the guard resolved (transports/smtp/index.ts passes it)
 * and gets OAuth tokens from the door, never a token URL; its sendmail transport runs only an
 * operator-allowed path; imapflow connects to the checked address of incoming/fetchAccount.ts.
 */
const LIBRARY_DOORS: Record<string, RegExp> = {
  'packages/core/src/transports/smtp/transport.ts': /from\s+'nodemailer'/,
  'packages/core/src/transports/sendmail/transport.ts': /from\s+'nodemailer'/,
  'packages/core/src/transports/smtp/deliveryThread.worker.mjs': /from\s+'nodemailer'/,
  'packages/core/src/incoming/imapSession.ts': /from\s+'imapflow'/,
};
const LIBRARIES = /from\s+'(nodemailer|imapflow)'/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'node_modules' && name !== 'testing') out.push(...sourceFiles(path));
    } else if (/\.(ts|mts|mjs|js)$/.test(name) && !/\.test\.ts$|testkit\.ts$/.test(name)) out.push(path);
  }
  return out;
}

/** The rules a file breaks (empty: none). */
export function violations(file: string, text: string): string[] {
  if (file.startsWith(door)) return [];
  // Comments may talk about a fetch or a connection; only code counts.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found = OUTBOUND.filter(([, re]) => re.test(code)).map(([what]) => what);
  const library = LIBRARY_DOORS[file];
  if (LIBRARIES.test(code) && !library?.test(code)) found.push('nodemailer / imapflow');
  return found;
}

describe('the guarded door is the only way out', () => {
  it('no product code outside packages/core/src/door opens a socket, calls fetch or runs a program', () => {
    const offenders: string[] = [];
    for (const dir of scanned) {
      for (const path of sourceFiles(join(root, dir))) {
        const file = relative(root, path);
        const broken = violations(file, readFileSync(path, 'utf8'));
        if (broken.length > 0) offenders.push(`${file}: ${broken.join(', ')}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the scan sees what it must refuse', () => {
    const file = 'packages/core/src/outbox/sneaky.ts';
    expect(violations(file, "const r = await fetch('http://169.254.169.254/');")).toEqual(['fetch()']);
    expect(violations(file, "import { request } from 'node:https';")).toEqual(['node:http / https / http2']);
    expect(violations(file, "import { spawn } from 'node:child_process';")).toEqual(['node:child_process']);
    expect(violations(file, "import { connect } from 'node:tls';")).toEqual(['net/tls connect']);
    expect(violations(file, "import nodemailer from 'nodemailer';")).toEqual(['nodemailer / imapflow']);
    // Types and the door itself are fine; so are method calls that only look alike.
    expect(violations(file, "import type { IncomingMessage } from 'node:http';")).toEqual([]);
    expect(violations(file, 'await this.prefetch(x); await store.fetch(id);')).toEqual([]);
    // Words in comments are not code.
    expect(
      violations(file, '/** until its next send or fetch ("settings changed") */\n// fetch(url)'),
    ).toEqual([]);
    expect(violations(file, "const u = 'https://x'; await fetch(u);")).toEqual(['fetch()']);
    expect(violations('packages/core/src/door/http.ts', "import { request } from 'node:https';")).toEqual([]);
  });
});
