import { ImapFlow } from 'imapflow';
import type { Credentials } from '../connection/env';
import { type BearerMechanism, pickBearerMechanism } from '../connection/sasl/bearer';
import type { Timeouts } from '../context';
import type { Destination } from '../door/destination';
import type { IncomingParsed } from '../schemas/account';
import type { SaslMechanism } from '../schemas/parts';
import type { FetchedMessage, FetchSession, PollCursor } from './types';

type Options = {
  dest: Destination;
  part: IncomingParsed & { port: number };
  credentials: Credentials;
  cursor: PollCursor;
  timeouts: Timeouts;
  /** Transcript lines for debug accounts (already redacted by the caller's transcript). */
  trace?: (line: string) => void;
};

/**
 * An IMAP fetch with imapflow: opens the mailbox, resumes after the last UID when UIDVALIDITY is
 * unchanged (else starts over), fetches new messages with BODY.PEEK (nothing marked seen by reading).
 */
export async function openImapSession(o: Options): Promise<FetchSession> {
  const { dest, part, credentials } = o;
  if (credentials.kind === 'none') throw new Error('IMAP needs a username and password');
  const address = dest.addresses[0]!.address;
  const client = new ImapFlow({
    host: address,
    port: part.port,
    secure: part.security === 'tls',
    doSTARTTLS: part.security === 'starttls' ? true : part.security === 'none' ? false : undefined,
    servername: dest.hostname,
    tls: { rejectUnauthorized: !part.allowInvalidCertificates, servername: dest.hostname },
    auth:
      credentials.kind === 'password'
        ? { user: credentials.username, pass: credentials.password }
        : { user: credentials.username, accessToken: credentials.accessToken },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: o.timeouts.connectMs,
    greetingTimeout: o.timeouts.greetingMs,
    socketTimeout: o.timeouts.commandMs * 4,
    // imapflow reads lines and literals of up to 1 GiB by default: a hostile server could fill memory.
    // A line as the connection engine bounds it (lineSocket.ts), a message as POP3's RETR (64 MiB).
    maxLineLength: 1024 * 1024,
    maxLiteralSize: 64 * 1024 * 1024,
    maxResponseSize: 128 * 1024 * 1024,
  });
  client.on('error', () => {});
  const mechanism = credentials.kind === 'oauth2' ? steerBearer(client, credentials.mechanism) : null;
  await client.connect();
  if (mechanism) o.trace?.(`* signed in with AUTHENTICATE ${mechanism()}`);
  const lock = await client.getMailboxLock(part.mailbox);
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error(`mailbox ${part.mailbox} could not be opened`);
  const uidValidity = Number(mailbox.uidValidity);
  const sameMailbox = o.cursor.mailbox === part.mailbox && o.cursor.uidValidity === uidValidity;
  let lastUid = sameMailbox ? o.cursor.lastUid : 0;
  o.trace?.(
    `* ${part.mailbox}: ${mailbox.exists} messages, UIDVALIDITY ${uidValidity}, resuming after UID ${lastUid}`,
  );

  return {
    async next(limit) {
      if (mailbox.exists === 0) return [];
      const found = await client.search({ uid: `${lastUid + 1}:*` }, { uid: true });
      const uids = (found || [])
        .filter((u) => u > lastUid)
        .sort((a, b) => a - b)
        .slice(0, limit);
      if (uids.length === 0) return [];
      const fetched = await client.fetchAll(uids.join(','), { uid: true, source: true }, { uid: true });
      o.trace?.(`* fetched UIDs ${uids[0]}..${uids[uids.length - 1]}`);
      return fetched
        .filter((m) => m.source)
        .sort((a, b) => a.uid - b.uid)
        .map((m) => ({ source: m.source as Buffer, uid: m.uid, uidValidity, mailbox: part.mailbox }));
    },
    async settle(messages: FetchedMessage[], afterFetch) {
      const uids = messages.map((m) => m.uid).filter((u): u is number => typeof u === 'number');
      if (uids.length === 0) return;
      lastUid = Math.max(lastUid, ...uids);
      if (afterFetch === 'mark_seen') await client.messageFlagsAdd(uids.join(','), ['\\Seen'], { uid: true });
      if (afterFetch === 'delete') await client.messageDelete(uids.join(','), { uid: true });
    },
    cursor: () => ({ mailbox: part.mailbox, uidValidity, lastUid }),
    async close() {
      lock.release();
      await client.logout().catch(() => client.close());
    },
  };
}

type Steerable = {
  run: (command: string, ...args: unknown[]) => Promise<unknown>;
  capabilities: Map<string, boolean | number>;
};

/**
 * Makes imapflow use the account's bearer mechanism. imapflow picks OAUTHBEARER whenever the server
 * advertises it and has no option to choose, so for its AUTHENTICATE the capabilities it reads show the
 * picked mechanism only (sasl/bearer.ts: the setting, or auto by the server's list); they are put back
 * right after. Answers which mechanism was used.
 */
function steerBearer(client: ImapFlow, setting: SaslMechanism | undefined): () => BearerMechanism {
  const inner = client as unknown as Steerable;
  const run = inner.run.bind(client);
  let used: BearerMechanism = 'XOAUTH2';
  inner.run = async (command, ...args) => {
    if (command !== 'AUTHENTICATE') return run(command, ...args);
    const caps = inner.capabilities;
    const saved = new Map(caps);
    const offered = [...caps.keys()].filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5));
    used = pickBearerMechanism(setting, offered);
    for (const c of ['AUTH=OAUTHBEARER', 'AUTH=XOAUTH2', 'AUTH=XOAUTH']) caps.delete(c);
    caps.set(`AUTH=${used}`, true);
    try {
      return await run(command, ...args);
    } finally {
      // Unless the server sent new capabilities meanwhile (imapflow then holds a new map).
      if (inner.capabilities === caps) {
        caps.clear();
        for (const [k, v] of saved) caps.set(k, v);
      }
    }
  };
  return () => used;
}
