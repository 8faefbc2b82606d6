import type { IncomingParsed } from '../schemas/account';

/** Where a fetch resumes: IMAP UIDVALIDITY + last UID (POP3 uses the stored UIDLs instead). */
export type PollCursor = { mailbox: string | null; uidValidity: number | null; lastUid: number };

export type FetchedMessage = {
  source: Buffer;
  /** IMAP */
  uid?: number;
  uidValidity?: number;
  mailbox?: string;
  /** POP3: the UIDL, and the message number in this session (for DELE). */
  uidl?: string;
  msgNumber?: number;
};

/** A protocol session that lists new messages and, after they are stored, applies `afterFetch`. */
export type FetchSession = {
  /** New messages after the cursor (IMAP) or not yet stored (POP3, by UIDL), at most `limit`. */
  next(limit: number, known: (uidls: string[]) => Promise<Set<string>>): Promise<FetchedMessage[]>;
  /** Applies keep / mark_seen / delete to messages that are now safely stored. */
  settle(messages: FetchedMessage[], afterFetch: IncomingParsed['afterFetch']): Promise<void>;
  cursor(): PollCursor;
  close(): Promise<void>;
};
