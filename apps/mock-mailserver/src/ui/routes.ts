import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FAULT_STAGES, IMAP_STAGES, REPORT_STAGES, SES_STAGES } from '../faults/rules.js';
import type { HttpContext } from '../http/context.js';
import { intParam } from '../http/context.js';
import { json } from '../http/respond.js';
import type { Router } from '../http/router.js';
import type { BounceKind, FaultAction, FaultStage, FeedbackType } from '../types.js';
import { listForUi, selectMessages, type UiSelection } from './list.js';

// The web page: static files in ./static (plain ES modules, no build step), served by the mock
// itself. The page's policy allows only its own scripts and styles; mail HTML renders in a
// sandboxed iframe whose document has a `sandbox` policy of its own (see messages.ts), and
// every value from a message reaches the page as text, never as markup.
const PAGE_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// What the fault editor offers. Each list must name every member of its type: a new action,
// kind or feedback type fails to compile here until the editor knows it.
const ACTIONS = ['reply', 'drop', 'delay', 'bounce', 'complain'] as const satisfies readonly FaultAction[];
const BOUNCE_KINDS = ['hard', 'soft', 'delayed'] as const satisfies readonly BounceKind[];
const FEEDBACK_TYPES = [
  'abuse',
  'fraud',
  'virus',
  'other',
  'not-spam',
] as const satisfies readonly FeedbackType[];
type Every<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
type Assert<T extends true> = T;
/** Compiles only while the lists above are complete. */
export type EditorListsComplete = [
  Assert<Every<FaultAction, (typeof ACTIONS)[number]>>,
  Assert<Every<BounceKind, (typeof BOUNCE_KINDS)[number]>>,
  Assert<Every<FeedbackType, (typeof FEEDBACK_TYPES)[number]>>,
];
/** Stages where `errorType` applies: SES's error name, the OAuth `error` at oauth-token. */
const ERROR_TYPE_STAGES = FAULT_STAGES.filter(
  (s: FaultStage) => SES_STAGES.includes(s) || s === 'oauth-token',
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The page's files, read once: they ship beside this module (copied to dist by the build). */
function loadStatic(): Map<string, Buffer> {
  const dir = new URL('./static/', import.meta.url);
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir)) {
    if (TYPES[extname(name)]) files.set(name, readFileSync(new URL(name, dir)));
  }
  return files;
}

function selectionOf(query: URLSearchParams): UiSelection {
  return {
    search: query.get('search') ?? '',
    to: (query.get('to') ?? '').replace(/ /g, '+'),
    tz: query.get('tz') || undefined,
  };
}

/** The web page at `/`, its files under `/ui/`, and the two list calls it makes. */
export function uiRoutes(router: Router, ctx: HttpContext): void {
  const files = loadStatic();
  const send = (res: import('node:http').ServerResponse, name: string) => {
    const body = files.get(name);
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(name)]!,
      'content-length': body.length,
      'content-security-policy': PAGE_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
    res.end(body);
  };

  router.on('GET', '/favicon.ico', ({ res }) => {
    res.writeHead(204, { 'cache-control': 'max-age=86400' });
    res.end();
  });
  router.on('GET', '/', ({ res }) => send(res, 'index.html'));
  router.on('GET', '/ui/:file', ({ res, params }) => send(res, params.file!));

  /** One window of the selection's rows (`start`, `limit` up to 1000), its size, and mailbox figures. */
  router.on('GET', '/api/ui/messages', ({ res, query }) => {
    const window = {
      start: intParam(query, 'start', 0, 0, 1e9),
      limit: intParam(query, 'limit', 200, 1, 1000),
    };
    json(res, 200, listForUi(ctx.store, selectionOf(query), window));
  });

  /** Deletes what the selection shows → `{ deleted }`; everything for an empty one, as one `reset` event. */
  router.on('DELETE', '/api/ui/messages', ({ res, query }) => {
    const selection = selectionOf(query);
    if (!selection.search.trim() && !selection.to)
      return json(res, 200, { deleted: ctx.store.deleteMatching({}) });
    let deleted = 0;
    for (const m of selectMessages(ctx.store, selection)) if (ctx.store.delete(m.id)) deleted++;
    json(res, 200, { deleted });
  });

  /** What the fault editor offers. */
  router.on('GET', '/api/ui/info', ({ res }) =>
    json(res, 200, {
      stages: FAULT_STAGES,
      imapStages: IMAP_STAGES,
      reportStages: REPORT_STAGES,
      errorTypeStages: ERROR_TYPE_STAGES,
      actions: ACTIONS,
      bounceKinds: BOUNCE_KINDS,
      feedbackTypes: FEEDBACK_TYPES,
    }),
  );
}
