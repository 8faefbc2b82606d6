import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type net from 'node:net';
import tls from 'node:tls';
import type { EventLog } from '../events.js';
import type { FaultEngine } from '../faults/engine.js';
import type { OAuthProvider } from '../oauth/provider.js';
import type { MessageStore } from '../store/store.js';
import type { FaultStage } from '../types.js';
import { COMMANDS, UID_COMMANDS } from './commands/index.js';
import type { Piece } from './encode.js';
import type { Folders, FolderView } from './folders.js';
import type { MimeCache } from './message.js';
import { atom, CommandReader, ImapParseError, type RawCommand, type Token, tokenize } from './parser.js';
import { SelectedMailbox } from './selected.js';

export interface ImapContext {
  store: MessageStore;
  events: EventLog;
  faults: FaultEngine;
  users: Record<string, string> | null;
  oauth: OAuthProvider;
  secureContext: tls.SecureContext;
  /** Key and certificate for the implicit-TLS listener. */
  certificate: { key: string | Buffer; cert: string | Buffer };
  folders: Folders;
  cache: MimeCache;
  maxMessageSize: number;
  log: (line: string) => void;
}

export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** How a command ends: the tagged status and its text (an optional `[CODE]` first). */
export interface Reply {
  status: 'OK' | 'NO' | 'BAD';
  text: string;
}

export const ok = (text: string): Reply => ({ status: 'OK', text });
export const no = (text: string): Reply => ({ status: 'NO', text });
export const bad = (text: string): Reply => ({ status: 'BAD', text });

/** One IMAP command handler (one module each under `commands/`). */
export interface ImapCommand {
  states: readonly SessionState[];
  /**
   * False for FETCH, STORE and SEARCH by sequence number: an EXPUNGE response must not come
   * while they run or as they end (RFC 3501 7.4.1); it waits for the next command.
   */
  expunges?: boolean;
  /** Runs the command; returns its tagged reply, or nothing when the connection ended. */
  run(
    session: ImapSession,
    tag: string,
    args: Token[],
    uid: boolean,
  ): Promise<Reply | undefined> | Reply | undefined;
}

const AUTOLOGOUT_MS = 30 * 60_000; // RFC 3501 5.4: at least 30 minutes

const CAPABILITIES = [
  'IMAP4rev1',
  'LITERAL+',
  'SASL-IR',
  'AUTH=PLAIN',
  'ID',
  'IDLE',
  'NAMESPACE',
  'UIDPLUS',
  'MOVE',
  'UNSELECT',
  'CHILDREN',
];

/** One IMAP connection: frames commands, runs them one at a time, owns the selected mailbox. */
export class ImapSession {
  readonly id = randomUUID();
  state: SessionState = 'not-authenticated';
  /** The login name: a recipient address or an SMTP username (see `maildropFilter`). */
  user: string | null = null;
  selected: SelectedMailbox | null = null;
  secure: boolean;
  readonly remoteAddress: string;
  private readonly reader = new CommandReader();
  private busy = false;
  private lineWaiter: ((line: string | null) => void) | null = null;
  /** Set while IDLE runs: changes are told as they happen. */
  idling = false;
  private detach: () => void = () => {};

  constructor(
    private socket: net.Socket | tls.TLSSocket,
    readonly ctx: ImapContext,
  ) {
    this.secure = socket instanceof tls.TLSSocket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.attach(socket);
  }

  /** Greets, unless an `imap-connect` fault rule says otherwise. */
  async start(): Promise<void> {
    this.busy = true;
    const stop = await this.fault('imap-connect', this.remoteAddress, null);
    if (stop) return;
    this.send(`* OK [CAPABILITY ${this.capabilities().join(' ')}] mock-mailserver IMAP4rev1 ready`);
    this.busy = false;
    this.pump();
  }

  /** After LOGIN or AUTHENTICATE passed. */
  loggedIn(user: string): Reply {
    this.user = user;
    this.state = 'authenticated';
    this.ctx.log(`imap: ${JSON.stringify(user)} logged in`);
    return ok(`[CAPABILITY ${this.capabilities().join(' ')}] Logged in`);
  }

  /** The login name; only called in the authenticated and selected states. */
  get login(): string {
    if (this.user === null) throw new Error('not logged in');
    return this.user;
  }

  /** Opens a folder as the selected mailbox. */
  select(view: FolderView, readOnly: boolean): SelectedMailbox {
    this.deselect();
    this.selected = new SelectedMailbox(this.ctx.store, this.ctx.events, view, readOnly, () =>
      this.onMailboxChange(),
    );
    this.state = 'selected';
    return this.selected;
  }

  /** Leaves the selected state without telling the client anything more about the mailbox. */
  deselect(): void {
    this.selected?.close();
    this.selected = null;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** The selected mailbox; only called in the selected state. */
  get mailbox(): SelectedMailbox {
    if (!this.selected) throw new Error('no mailbox selected');
    return this.selected;
  }

  capabilities(): string[] {
    // The bearer mechanisms the OAuth options keep, after PLAIN.
    const caps = [...CAPABILITIES];
    caps.splice(caps.indexOf('AUTH=PLAIN') + 1, 0, ...this.ctx.oauth.mechanisms.map((m) => `AUTH=${m}`));
    if (!this.secure && this.state === 'not-authenticated') caps.push('STARTTLS');
    return caps;
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    this.socket = socket;
    socket.setTimeout(AUTOLOGOUT_MS, () => this.close('* BYE autologout; idle for too long'));
    const onData = (chunk: Buffer) => {
      this.reader.push(chunk);
      this.pump();
    };
    const onClose = () => this.ended();
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
    socket.on('close', onClose);
    this.detach = () => {
      socket.off('data', onData);
      socket.off('close', onClose);
    };
  }

  private ended(): void {
    this.state = 'logout';
    this.selected?.close();
    this.selected = null;
    this.lineWaiter?.(null);
    this.lineWaiter = null;
  }

  /** Hands input to whoever waits for it: a continuation answer, or the next command. */
  private pump(): void {
    while (this.state !== 'logout') {
      if (this.lineWaiter) {
        const line = this.reader.nextLine();
        if (line === null) return;
        const waiter = this.lineWaiter;
        this.lineWaiter = null;
        waiter(line);
        continue;
      }
      if (this.busy) return;
      const result = this.reader.next();
      if (!result) return;
      if (result.kind === 'too-long') {
        this.close('* BYE line too long');
        return;
      }
      if (result.kind === 'literal') {
        const { size, sync, tag } = result;
        // One bound for all the literals of a command, so many of them cannot pile up in memory.
        if (this.reader.literalBytes + size > this.ctx.maxMessageSize) {
          if (!sync) {
            // A non-synchronizing literal is on its way whatever we say (RFC 7888 4).
            this.close(`* BYE [TOOBIG] literal of ${size} bytes is over ${this.ctx.maxMessageSize}`);
            return;
          }
          this.reader.abandon();
          this.send(`${tag} NO [TOOBIG] literal of ${size} bytes is over ${this.ctx.maxMessageSize}`);
          continue;
        }
        this.reader.acceptLiteral(size);
        if (sync) this.send('+ Ready for literal data');
        continue;
      }
      this.busy = true;
      void this.execute(result.command).finally(() => {
        this.busy = false;
        this.pump();
      });
    }
  }

  /** The next line the client sends (the answer to a `+` continuation), or null once it is gone. */
  readLine(): Promise<string | null> {
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.pump();
    });
  }

  private async execute(raw: RawCommand): Promise<void> {
    let tag = '*';
    try {
      const tokens = tokenize(raw);
      const first = tokens[0];
      if (first?.type !== 'atom' || !/^[^+(){%*"\\\]]+$/.test(first.value)) {
        this.send('* BAD missing or invalid tag');
        return;
      }
      tag = first.value;
      let name = atom(tokens[1], 'a command');
      let args = tokens.slice(2);
      let uid = false;
      if (name === 'UID') {
        name = atom(args[0], 'a command after UID');
        args = args.slice(1);
        uid = true;
        if (!UID_COMMANDS.has(name)) return this.tagged(tag, bad(`UID ${name} is not a command`));
      }
      const command = COMMANDS[name];
      if (!command) return this.tagged(tag, bad(`unknown command ${name}`));
      if (!command.states.includes(this.state))
        return this.tagged(tag, bad(`${name}: ${this.stateError(command)}`));
      const reply = await command.run(this, tag, args, uid);
      if (!reply) return;
      this.flush(uid || command.expunges !== false);
      this.tagged(tag, reply);
    } catch (error) {
      if (error instanceof ImapParseError) return this.tagged(tag, bad(error.message));
      this.ctx.log(`imap: command failed: ${(error as Error).message}`);
      this.tagged(tag, no('[SERVERBUG] internal error'));
    }
  }

  /** Why a command cannot run in this state. */
  private stateError(command: ImapCommand): string {
    if (this.state === 'not-authenticated') return 'log in first';
    if (command.states.includes('not-authenticated')) return 'already logged in';
    return 'select a mailbox first';
  }

  /** Sends what changed in the selected mailbox (EXPUNGEs only when `expunges`). */
  flush(expunges = true): void {
    if (!this.selected) return;
    for (const line of this.selected.flush(expunges)) this.send(line);
  }

  /** Told by the selected mailbox that something changed: IDLE tells it at once. */
  onMailboxChange(): void {
    if (this.idling) this.flush(true);
  }

  send(line: string): void {
    if (!this.socket.destroyed) this.socket.write(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  tagged(tag: string, reply: Reply): void {
    this.send(`${tag} ${reply.status} ${reply.text}`);
  }

  /** Writes a response of several pieces (raw bytes among them), waiting while the socket is full. */
  async sendPieces(pieces: Piece[]): Promise<void> {
    if (this.socket.destroyed) return;
    const buffer = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
    if (!this.socket.write(buffer) && !this.socket.destroyed) {
      await Promise.race([once(this.socket, 'drain'), once(this.socket, 'close')]);
    }
  }

  /**
   * Applies the first fault rule that fires at this stage. Returns true when the command must
   * stop: the rule answered (NO or BAD, tagged, or BYE at connect) or dropped the connection.
   */
  async fault(stage: FaultStage, targets: string | string[], tag: string | null): Promise<boolean> {
    const decision = this.ctx.faults.evaluate(stage, targets, this.id);
    if (!decision) return false;
    if (decision.delayMs > 0) await this.pause(decision.delayMs);
    if (this.socket.destroyed) return true;
    if (decision.action === 'delay') return false;
    if (decision.action === 'drop') {
      this.destroy();
      return true;
    }
    if (tag === null) this.close(`* BYE ${decision.message}`);
    else this.send(`${tag} ${decision.status} ${decision.message}`);
    return true;
  }

  /** Waits a fault rule's delay, or until the connection closes. */
  pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.socket.once('close', done);
    });
  }

  /** Switches to TLS after the OK to STARTTLS; anything the client sent in the clear is dropped. */
  startTls(): void {
    this.detach();
    this.reader.clear();
    const plain = this.socket;
    const secure = new tls.TLSSocket(plain, { isServer: true, secureContext: this.ctx.secureContext });
    secure.once('secure', () => {
      this.secure = true;
    });
    this.attach(secure);
  }

  close(finalLine?: string): void {
    if (finalLine) this.send(finalLine);
    this.ended();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.ended();
    this.socket.destroy();
  }
}
