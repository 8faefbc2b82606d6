/** Public types of the mock mail server. */
import type { OAuthOptions } from './oauth/types.js';

export type * from './oauth/types.js';

/** One mailbox of a header (From, To, Cc, Reply-To). */
export interface MailAddress {
  name: string;
  address: string;
}

/** Metadata of one attachment; its content is served by `GET /api/messages/:id/attachments/:index`. */
export interface AttachmentInfo {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  contentId: string | null;
  disposition: string | null;
  /** `true` for an embedded (related, inline) part such as an image referenced by `cid:`. */
  related: boolean;
  /** The MIME part number, IMAP style (`2`, `1.2`); `1` for a message that is nothing but this part. */
  partId: string;
}

/**
 * How a message arrived: SMTP, the Mailgun or SES emulation, Mailpit's send API
 * (`POST /api/v1/send`), or IMAP (an APPEND, or the copy an IMAP COPY or MOVE makes).
 */
export type MessageTransport = 'smtp' | 'mailgun' | 'ses' | 'mailpit' | 'imap';

/** A received message as the store keeps it. */
export interface StoredMessage {
  id: string;
  /** Opaque, monotonic position; pass it as `after` to list or wait for what came later/earlier. */
  cursor: string;
  receivedAt: string;
  transport: MessageTransport;
  envelope: { mailFrom: string; rcptTo: string[] };
  /**
   * The SMTP AUTH username (`api` for the Mailgun emulation, the access key id of the SigV4
   * signature for the SES emulation, the IMAP login for an IMAP APPEND), null when the client
   * did not authenticate.
   */
  authUser: string | null;
  /** Whether the message travelled over TLS (STARTTLS, implicit TLS or HTTPS). */
  secure: boolean;
  remoteAddress: string | null;
  /** What the SMTP session showed (absent for other transports and for mail stored before it was kept). */
  smtp?: SmtpSessionFacts;
  messageId: string | null;
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  date: string | null;
  text: string;
  html: string | null;
  /** Header names in lower case; a header that occurs more than once has its values joined by a newline. */
  headers: Record<string, string>;
  attachments: AttachmentInfo[];
  /** Size of the raw source in bytes. */
  size: number;
  /**
   * Whether the message has been read. One flag for every face of the mock: Mailpit's `Read`
   * and IMAP's `\Seen` are this field. New mail is unread; change it with `MessageStore.update`.
   */
  read: boolean;
  /**
   * Labels (Mailpit's tags), sorted, unique regardless of case. A new message gets those of its
   * `X-Tags` header and the plus tags of its From, To, Cc and envelope recipients.
   */
  tags: string[];
  /** Mailgun emulation only: tags (`o:tag`) and user variables (`v:*`). */
  mailgun?: { domain: string; tags: string[]; variables: Record<string, string> };
  /** SES emulation only: what the SendEmail call carried besides the message. */
  ses?: SesMessageInfo;
  /**
   * IMAP UID: ascending in arrival order and never reused under the store's UIDVALIDITY (both
   * survive a restart with `storeDir`). A message has the same UID in every mailbox it shows in.
   */
  uid: number;
  /** IMAP flags and keywords other than `\Seen` (which is `read`): `\Flagged`, `\Deleted`, `$Label1` … */
  flags: string[];
  /** The IMAP folder: `INBOX` for every delivery; another only through an IMAP COPY, MOVE or APPEND. */
  folder: string;
  /** IMAP INTERNALDATE when it is not `receivedAt`: the date an APPEND gave, or the copied message's. */
  internalDate?: string;
}

/** The SES-specific part of a message accepted by the SES v2 emulation. */
export interface SesMessageInfo {
  /** The `MessageId` the SendEmail call answered. */
  messageId: string;
  /** Which form of `Content` carried the message. */
  content: 'raw' | 'simple';
  /** The region of the signature's credential scope, null for an unsigned request. */
  region: string | null;
  configurationSetName: string | null;
  /** `EmailTags` as name → value. */
  tags: Record<string, string>;
}

/** The SMTP session a message came through: its HELO name, TLS and RFC 3848 transmission type. */
export interface SmtpSessionFacts {
  /** The name the client gave in EHLO/HELO, null when it sent none. */
  helo: string | null;
  /** e.g. `TLSv1.3`, null over plain text. */
  tlsVersion: string | null;
  /** e.g. `TLS_AES_256_GCM_SHA384`, null over plain text. */
  tlsCipher: string | null;
  /** `SMTP`, `ESMTP`, `ESMTPS`, `ESMTPA` or `ESMTPSA` (RFC 3848): TLS and AUTH in one word. */
  transmission: string;
}

/** What a list returns per message: everything but bodies and headers. */
export interface MessageSummary {
  id: string;
  cursor: string;
  receivedAt: string;
  transport: MessageTransport;
  envelope: { mailFrom: string; rcptTo: string[] };
  authUser: string | null;
  secure: boolean;
  messageId: string | null;
  subject: string;
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  size: number;
  attachmentCount: number;
  snippet: string;
  read: boolean;
  tags: string[];
}

/**
 * Selects messages. Every given field must match.
 * - `to`: an envelope recipient. `alice@x.org` also matches `alice+tag@x.org`; `alice+tag@x.org` matches only that tag.
 * - `tag`: the plus-address tag of an envelope recipient.
 * - `user`: the SMTP AUTH username (exact, case-insensitive).
 * - `from`, `subject`: case-insensitive substring (sender of the envelope or the From header).
 * - `q`: case-insensitive substring of subject, addresses or text.
 */
export interface MessageFilter {
  to?: string | undefined;
  tag?: string | undefined;
  user?: string | undefined;
  from?: string | undefined;
  subject?: string | undefined;
  q?: string | undefined;
}

export interface CodeMatch {
  value: string;
  /** The text around the match, whitespace collapsed. */
  context: string;
  /** Where it was found: the text part or the HTML part turned into text. */
  source: 'text' | 'html';
}

export interface LinkMatch {
  url: string;
  /** The anchor text for an HTML link, otherwise the text around the URL. */
  context: string;
  source: 'text' | 'html';
}

export interface CodesResult {
  codes: CodeMatch[];
  links: LinkMatch[];
}

/**
 * Where a rule fires: the SMTP stages, an SES API call (`ses`: SendEmail, `ses-account`:
 * GetAccount), where the code is the HTTP status of an SES error, or an IMAP stage (the
 * greeting, LOGIN / AUTHENTICATE, SELECT / EXAMINE, FETCH), where the reply is NO or BAD.
 */
export type FaultStage =
  | 'connect'
  | 'auth'
  | 'mail'
  | 'rcpt'
  | 'data'
  | 'end-of-data'
  | 'ses'
  | 'ses-account'
  | 'imap-connect'
  | 'imap-login'
  | 'imap-select'
  | 'imap-fetch'
  | 'oauth-token';

/** The tagged status an IMAP fault rule answers with. */
export type ImapFaultStatus = 'NO' | 'BAD';
/** An enhanced mail system status code (RFC 3463): class.subject.detail, such as `5.1.1`. */
export type DsnStatus = `${4 | 5}.${number}.${number}`;
/** RFC 5965 and RFC 6650 feedback types. */
export type FeedbackType = 'abuse' | 'fraud' | 'virus' | 'other' | 'not-spam';

/**
 * `reply` answers with an error, `drop` cuts the connection, `delay` waits then goes on.
 * `bounce` and `complain` accept the message, then put a report into the envelope sender's
 * mailbox: a DSN (RFC 3464) or an ARF feedback report (RFC 5965).
 */
export type FaultAction = 'reply' | 'drop' | 'delay' | 'bounce' | 'complain';

/** A bounce: `hard` (5.x.x, Action failed), `soft` (4.x.x, Action failed) or `delayed` (4.x.x, Action delayed). */
export type BounceKind = 'hard' | 'soft' | 'delayed';

/**
 * A fault rule. `match` is a glob (`*`, `?`) or a `/regex/flags`, tested against the
 * recipient (rcpt; any recipient for data, end-of-data and ses), the sender (mail), the
 * username (auth, imap-login), the client address (connect, imap-connect), the access key id
 * (ses-account), the login name or the mailbox name (imap-select, imap-fetch), or the grant
 * type or the client id of a token request (oauth-token).
 */
export interface FaultRule {
  stage: FaultStage;
  match?: string | undefined;
  code?: number | undefined;
  message?: string | undefined;
  /**
   * `ses` and `ses-account`: the SES error name (`x-amzn-ErrorType`), such as
   * `AccountSuspendedException`. Left out, it follows from the code (429
   * TooManyRequestsException, 400 MessageRejected, 403 AccessDeniedException, ...).
   * `oauth-token`: the OAuth `error` (`invalid_grant`, `temporarily_unavailable`, ...); left
   * out, 401 is invalid_client, 503 temporarily_unavailable, other 5xx server_error, 4xx invalid_grant.
   */
  errorType?: string | undefined;
  /**
   * IMAP stages: answer `NO` (default) or `BAD`; IMAP replies have no numeric code.
   * `bounce`: the DSN's enhanced status code (`5.1.1`, `4.2.2`); `code` is the SMTP code of its
   * Diagnostic-Code.
   */
  status?: ImapFaultStatus | DsnStatus | undefined;
  /** `bounce`: hard (default), soft or delayed. */
  kind?: BounceKind | undefined;
  /** `bounce`: the diagnostic text (`Diagnostic-Code: smtp; 550 5.1.1 <text>`); `complain`: the report's human part. */
  text?: string | undefined;
  /** `complain`: the ARF Feedback-Type (abuse by default, fraud, virus, other, not-spam). */
  feedbackType?: FeedbackType | undefined;
  /** Fire this many times, then stop. Unlimited when left out. */
  count?: number | undefined;
  /** Fire with this probability (0..1), drawn from a generator seeded when the rules are set, so runs repeat. */
  probability?: number | undefined;
  delayMs?: number | undefined;
  /** Defaults to `reply` when a code is given or nothing is, to `delay` when only delayMs is. */
  action?: FaultAction | undefined;
}

/** A rule as listed: the rule plus how often it fired and how many firings it has left. */
export interface FaultRuleState extends FaultRule {
  index: number;
  firedCount: number;
  remaining: number | null;
}

/** One firing of a rule. */
export interface FiredFault {
  at: string;
  ruleIndex: number;
  stage: FaultStage;
  action: FaultAction;
  /** The SMTP code or HTTP status of a reply; null for a drop, a delay or an IMAP reply. */
  code: number | null;
  /** IMAP stages: the status of a reply (`NO`, `BAD`; `BYE` at imap-connect). */
  status?: 'NO' | 'BAD' | 'BYE';
  message: string | null;
  delayMs: number;
  /** The address, username or client address the rule was tested against. */
  target: string | null;
  /** The SMTP session, or the request id (`x-amzn-RequestId`) of an SES call. */
  sessionId: string;
}

export interface WaitForOptions extends MessageFilter {
  /** Only messages that arrived after this cursor (a message's `cursor`, or `mock.cursor()`); a Date means received after it. */
  after?: string | number | Date | undefined;
  /** Default 10 000 ms. */
  timeoutMs?: number | undefined;
}

export interface MockMailServerOptions {
  /** Address every listener binds to. Default `127.0.0.1`. */
  host?: string;
  /** Plain SMTP with STARTTLS. 0 (default) picks a free port, `false` disables the listener. */
  smtpPort?: number | false;
  /** Implicit-TLS SMTP. 0 (default) picks a free port, `false` disables it. */
  smtpsPort?: number | false;
  /** POP3 with STLS. 0 (default) picks a free port, `false` disables it. */
  pop3Port?: number | false;
  /** IMAP with STARTTLS. 0 (default) picks a free port, `false` disables it. */
  imapPort?: number | false;
  /** Implicit-TLS IMAP. 0 (default) picks a free port, `false` disables it. */
  imapsPort?: number | false;
  /** HTTP API and web page. 0 (default) picks a free port, `false` disables it. */
  httpPort?: number | false;
  /** When set, SMTP AUTH, POP3 and IMAP check these username → password pairs and answer 535 / -ERR / NO otherwise. */
  users?: Record<string, string>;
  /** Require SMTP AUTH before MAIL FROM. Default false. */
  authRequired?: boolean;
  /** Oldest messages are pruned beyond this count. Default 1000. */
  maxMessages?: number;
  /** Messages older than this are pruned. Default 24 hours. */
  maxAgeMs?: number;
  /** Oldest messages are pruned while what they hold (source, text, HTML, attachments) adds up to more. Default 128 MiB. */
  maxBytes?: number;
  /** Largest accepted message (SMTP SIZE). Default 25 MiB. */
  maxMessageSize?: number;
  /** Keep messages as `.eml` files (plus a `.json` envelope) in this directory and load them at start. */
  storeDir?: string;
  /** Pause before the SMTP greeting, for early-talker detection. Default 0 (smtp-server itself waits 100 ms). */
  greetingDelayMs?: number;
  /** When set, the Mailgun emulation requires basic auth `api:<key>`; otherwise any key is accepted. */
  mailgunApiKey?: string;
  /**
   * When set, the SES emulation verifies each request's AWS Signature Version 4 against this
   * key pair (service `ses`, any region); otherwise any signature, or none, is accepted.
   */
  sesCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** PEM key and certificate for STARTTLS, SMTPS, STLS and IMAPS. A self-signed one is generated when left out. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Name in the SMTP greeting. Default `mock-mailserver`. */
  hostname?: string;
  /**
   * The OAuth2 provider emulation (its HTTP endpoints always answer). `true` or options: SMTP,
   * IMAP and POP3 logins (all, or those of `domains`) accept only tokens it issued, by XOAUTH2
   * or OAUTHBEARER, and refuse passwords. Default off.
   */
  oauth?: boolean | OAuthOptions;
  /** Receives one line per notable event (connections, fired faults, errors). Silent by default. */
  log?: (line: string) => void;
}
