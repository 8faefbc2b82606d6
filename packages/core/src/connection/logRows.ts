import type { LogInput } from '../context';
import type { Direction, SettingsOf, TransportKind } from '../schemas/account';
import type { ConnectionTestResult } from '../schemas/connection';
import type { LogSource } from '../schemas/logs';
import { transportOf } from '../transports/registry';
import type { ResolvedPart } from './engine';

/** The protocol a part speaks, as log sources and messages name it. */
export function protocolOf(part: ResolvedPart): TransportKind | 'imap' | 'pop3' {
  return 'transport' in part ? part.transport : part.protocol;
}

/** The Main Log source of an incoming protocol's sign-in (tests and fetches). */
export const INCOMING_AUTH_SOURCES: Record<'imap' | 'pop3', LogSource> = {
  imap: 'imap_auth',
  pop3: 'pop3_auth',
};

const targetOf = <K extends TransportKind>(kind: K, settings: SettingsOf<K>) =>
  transportOf(kind).target(settings);

/** Where a test connects ("host:port", a program's path, an API's URL), and its sign-in's log source. */
function whereOf(part: ResolvedPart): { target: string | undefined; authSource: LogSource | undefined } {
  if ('transport' in part) {
    return { target: targetOf(part.transport, part), authSource: transportOf(part.transport).authLogSource };
  }
  return { target: `${part.host}:${part.port}`, authSource: INCOMING_AUTH_SOURCES[part.protocol] };
}

/**
 * The Main Log rows of one test: a summary, one row per step (the authentication step under
 * smtp_auth/imap_auth/pop3_auth, or the direction for HTTP APIs; a failed step at error), and with `debug`
 * the protocol transcript, one debug row per line.
 */
export function testLogRows(opts: {
  direction: Direction;
  part: ResolvedPart;
  result: ConnectionTestResult;
  transcript: string[];
  accountId: string | null;
  accountName: string | null;
  debug: boolean;
}): LogInput[] {
  const { direction, part, result, accountId } = opts;
  const proto = protocolOf(part);
  const what = `${proto.toUpperCase()} ${direction} test${opts.accountName ? ` of "${opts.accountName}"` : ''}`;
  const { target, authSource } = whereOf(part);
  const failedStep = result.steps.find((s) => !s.ok)?.step;
  const rows: LogInput[] = [
    {
      source: 'connection_test',
      level: result.ok ? 'info' : 'error',
      message: result.ok
        ? `${what} passed in ${result.durationMs} ms`
        : `${what} failed at ${failedStep ?? 'start'} (${result.error?.code}): ${result.error?.message}`,
      accountId,
      context: {
        direction,
        protocol: proto,
        target,
        ok: result.ok,
        durationMs: result.durationMs,
        error: result.error,
      },
    },
  ];
  for (const step of result.steps) {
    const source: LogSource = step.step === 'authenticate' ? (authSource ?? direction) : 'connection_test';
    const detail = typeof step.detail === 'string' ? { text: step.detail } : step.detail;
    const username = typeof detail.username === 'string' ? ` as ${detail.username}` : '';
    // An account without authentication signs in as nobody: "succeeded (none)" would claim a sign-in.
    const noAuth = step.step === 'authenticate' && step.ok && detail.mechanism === 'none';
    const message = noAuth
      ? `${proto.toUpperCase()}: no authentication configured, none attempted${target ? ` on ${target}` : ''}`
      : step.step === 'authenticate'
        ? `${proto.toUpperCase()} authentication${username} ${step.ok ? 'succeeded' : 'failed'}${typeof detail.mechanism === 'string' ? ` (${detail.mechanism})` : ''}${target ? ` on ${target}` : ''}`
        : `${what}: ${step.step} ${step.ok ? 'ok' : 'failed'} in ${step.durationMs} ms`;
    rows.push({
      source,
      // A refused sign-in is an error wherever it happens (test, send, fetch): "SMTP Auth and Error" finds them all.
      level: step.ok ? 'info' : 'error',
      // The server's own words after ours: "… failed (PLAIN) on host:587: The server refused … (535 5.7.8 …)".
      message: step.ok
        ? message
        : `${message}: ${String(detail.message ?? '')}${typeof detail.reply === 'string' ? ` (${detail.reply})` : ''}`,
      accountId,
      context: {
        direction,
        protocol: proto,
        step: step.step,
        ok: step.ok,
        durationMs: step.durationMs,
        detail,
      },
    });
  }
  if (opts.debug) {
    opts.transcript.forEach((line, i) => {
      rows.push({
        source: direction,
        level: 'debug',
        message: line,
        accountId,
        context: { transcript: 'connection_test', line: i + 1 },
      });
    });
  }
  return rows;
}
