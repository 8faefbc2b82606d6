/** What one recipient's line of a bounce says. */
export type RecipientReport = {
  /** The recipient the report is about (Final-Recipient, or the address a text bounce names). */
  address: string;
  action: 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';
  /** Enhanced status code (RFC 3463), e.g. '5.1.1'; null when the report gives none and none can be inferred. */
  status: string | null;
  /** hard = permanent failure, soft = temporary failure (or a full mailbox), delayed = still trying. */
  kind: 'hard' | 'soft' | 'delayed' | 'delivered';
  /** The remote server's words (Diagnostic-Code or the quoted reply), unfolded and trimmed. */
  diagnostic: string | null;
  /** The server that refused or accepted (Remote-MTA), a host name or address. */
  remoteMta: string | null;
  /** The address as the sender gave it (Original-Recipient), when the report keeps it. */
  originalRecipient?: string | null;
};

export type BounceClassification = {
  kind: 'bounce';
  /** Who wrote it: 'rfc3464' for a DSN of no known vendor, else 'postfix', 'exim', 'qmail', 'exchange', 'gmail', 'yahoo', 'generic'. */
  format: string;
  /** true when the recipients come from a message/delivery-status part (RFC 3464), false when read from text. */
  rfc3464: boolean;
  reportingMta: string | null;
  recipients: RecipientReport[];
  /** The Message-ID of the message that bounced, from the returned headers or quoted text. */
  originalMessageId: string | null;
  /** The token of the VERP address the bounce came back to, via `options.verpAddress`. */
  verpToken: string | null;
  arrivalDate?: string | null;
};

export type ComplaintClassification = {
  kind: 'complaint';
  /** 'arf' (RFC 5965 feedback report). */
  format: 'arf' | (string & {});
  /** Feedback-Type: abuse, fraud, virus, not-spam, auth-failure, opt-out, other … */
  feedbackType: string;
  /** The complaining recipients: Original-Rcpt-To / Removal-Recipient, else the returned message's To. */
  recipients: string[];
  originalMessageId: string | null;
  verpToken: string | null;
  userAgent: string | null;
  reportingMta?: string | null;
  /** Original-Mail-From: the envelope sender of the reported message. */
  originalMailFrom?: string | null;
};

export type AutoReplyClassification = {
  kind: 'auto_reply';
  reason: 'vacation' | 'out_of_office' | 'auto_submitted' | 'other';
  /** In-Reply-To of the auto-reply (RFC 3834 asks responders to set it). */
  originalMessageId: string | null;
  /** Who answered (the From address). */
  from: string | null;
};

export type Classification =
  | BounceClassification
  | ComplaintClassification
  | AutoReplyClassification
  | { kind: 'other' };

export type ClassifyOptions = {
  /**
   * Given an address the bounce was delivered to (To, Delivered-To, X-Original-To, the returned
   * Return-Path), returns the VERP token when it is one of ours, else null.
   */
  verpAddress?: (recipientOfBounce: string) => string | null;
};
