/**
 * The classifier's knowledge, as data. To teach it a new bounce format, add a row to
 * TEXT_BOUNCE_RULES (and a sample to corpus/ with its line in corpus/expected.ts); a new
 * vendor's DSN gets a row in DSN_VENDORS; a new language of out-of-office a row in
 * AUTO_REPLY_SUBJECTS. docs/BOUNCES.md walks through it.
 *
 * Every pattern runs on untrusted text of up to 256 KB: keep each one linear. No two neighbouring
 * parts that can match the same characters (`\s*\r?\n\s*`, `\s+.*`), no `^\s*` under the m flag
 * (it rescans every run of blank lines from each line start): spell spaces as `[ \t]*`.
 */

/** Enhanced status codes (RFC 3463) that are not what their class says: permanent codes worth retrying. */
export const STATUS_KIND: Array<{ status: RegExp; kind: 'hard' | 'soft'; why: string }> = [
  { status: /^5\.2\.2$/, kind: 'soft', why: 'mailbox full: the address exists' },
  { status: /^5\.3\.1$/, kind: 'soft', why: 'mail system full' },
  { status: /^5\.3\.2$/, kind: 'soft', why: 'system not accepting network messages' },
  { status: /^5\.4\.5$/, kind: 'soft', why: 'mail system congestion' },
  { status: /^5\.4\.7$/, kind: 'soft', why: 'delivery time expired after temporary failures' },
  { status: /^4\./, kind: 'soft', why: 'persistent transient failure' },
  { status: /^5\./, kind: 'hard', why: 'permanent failure' },
];

/**
 * What a diagnostic's words mean when its code is vague (`550` alone, `5.0.0`) or absent:
 * subject.detail of the enhanced code; the class (4 or 5) stays the one the server gave.
 */
export const DIAGNOSTIC_STATUS: Array<{ text: RegExp; detail: string }> = [
  {
    text: /mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:the|its|their) (?:storage|quota)|insufficient storage|mailbox size limit|out of storage/i,
    detail: '2.2',
  },
  {
    text: /user unknown|unknown user|no such (?:user|mailbox|recipient|address)|does ?n[o']t exist|address (?:couldn't be |could not be )?not found|address couldn't be found|recipient not found|recipientnotfound|unknown recipient|invalid (?:recipient|mailbox|address)|not a valid (?:mailbox|recipient)|mailbox (?:not found|unavailable)|(?:doesn't|does not) have an? .{1,40}account|account (?:has been |is )?disabled|no mailbox here|not listed in (?:the )?(?:domino )?directory/i,
    detail: '1.1',
  },
  {
    text: /host (?:or domain name )?not found|domain (?:not found|does not exist)|no mx (?:record|for)|unrout(?:e)?able|name service error|no such domain/i,
    detail: '1.2',
  },
  {
    text: /message (?:is )?too (?:large|big)|size (?:limit|exceeds)|exceeds? (?:the )?(?:maximum )?(?:message )?size/i,
    detail: '3.4',
  },
  { text: /relay(?:ing)? (?:access )?denied|not permitted to relay|relay not permitted/i, detail: '7.1' },
  { text: /spam|blocked|block ?list|black ?list|listed at|reputation|policy/i, detail: '7.1' },
  {
    text: /timed? ?out|connection refused|could not connect|try again later|temporar(?:il)?y|greylist/i,
    detail: '4.1',
  },
];

/** A bounce comes from a mail system: From one of these, or a null Return-Path (<>). */
export const DAEMON_FROM =
  /mailer-daemon|postmaster|mail delivery (?:sub)?system|MicrosoftExchange[0-9a-f]{16,}@|\bmail ?delivery\b/i;

export type TextBounceRule = {
  format: string;
  /** Every one given must match; `body` is tested against the first 256 KB of the plain text. */
  when: { subject?: RegExp; from?: RegExp; body?: RegExp };
  /** What the text says happened: failed (the sender must act) or delayed (still trying). */
  action: 'failed' | 'delayed';
  /** The status when neither code nor words give one: '5.0.0' permanent, '4.0.0' temporary. */
  defaultStatus: string;
  /** The part of the text that lists recipients: from `start` (exclusive) to `end`. */
  section?: { start?: RegExp; end?: RegExp };
  /**
   * A line naming a recipient: group 1 the address, optional group 2 the start of its diagnostic
   * (or, when group 1 did not take part, group 2 the address). Following lines that are not blank
   * and name no recipient continue the diagnostic, up to a blank line or a quoted header line.
   */
  recipientLine: RegExp;
  /** A diagnostic given once for all recipients (Gmail's "The error that the other server returned was:"). */
  sharedDiagnostic?: RegExp;
  /** The host that wrote the bounce: the first group that matched. */
  reportingMta?: RegExp;
};

const ADDR = '[^\\s<>()\\[\\]"\',;:@]+@[^\\s<>()\\[\\]"\',;:@]+\\.[A-Za-z0-9-]+';

export const TEXT_BOUNCE_RULES: TextBounceRule[] = [
  {
    format: 'qmail',
    when: { body: /This is the qmail-send program at/i },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: {
      start: /I'm afraid I wasn't able to deliver/i,
      end: /^--- Below this line is a copy of the message/im,
    },
    recipientLine: new RegExp(`^<(${ADDR})>:\\s*(.*)$`),
    reportingMta: /qmail-send program at ([\w.-]+)/i,
  },
  {
    format: 'yahoo',
    when: { body: /Sorry,? we were unable to deliver your message to the following address/i },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: {
      start: /unable to deliver your message/i,
      end: /^--- Below this line is a copy of the message/im,
    },
    recipientLine: new RegExp(`^<(${ADDR})>:\\s*(.*)$`),
    reportingMta: /\s-\s((?:[\w-]+\.)+yahoo\.com)\b/i,
  },
  {
    format: 'exim',
    when: { body: /has not yet been delivered to one or more of its\s+recipients/i },
    action: 'delayed',
    defaultStatus: '4.0.0',
    section: {
      start: /has not yet been delivered is:|have not yet been delivered are:/i,
      end: /^No action is required/im,
    },
    recipientLine: new RegExp(`^ {1,4}(${ADDR})\\s*$`),
    reportingMta: /on the queue on ([\w.-]+)/i,
  },
  {
    format: 'exim',
    when: { body: /A message that you sent could not be delivered to (?:one or more of its|all of its)/i },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: {
      start: /The following address(?:\(es\)|es)? failed:/i,
      end: /^-{3,} This is a copy of the message|^-{3,} The header of the original message/im,
    },
    recipientLine: new RegExp(`^ {1,4}(${ADDR})(?:\\s*$|\\s+(.*)$)`),
  },
  {
    format: 'postfix',
    when: { body: /This is the mail system at host [\w.-]+\./i },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: {
      start: /could not\s+be delivered|This is the mail system/i,
      end: /^-{2,}\s*$|^Reporting-MTA:|^Final-Recipient:/im,
    },
    recipientLine: new RegExp(`^<(${ADDR})>(?: \\(expanded from <[^>]*>\\))?:\\s*(.*)$`),
    reportingMta: /This is the mail system at host ([\w.-]+?)\.?\s*$/im,
  },
  {
    format: 'exchange',
    when: {
      // English, then Exchange's German, French and Spanish wording of the same report
      body: /Delivery has failed to these recipients or groups|Your message (?:to [^\n]+ )?couldn't be delivered|Your message did not reach some or all of the intended recipients|Die Zustellung an folgende Empfänger oder Gruppen ist fehlgeschlagen|La remise à ces destinataires ou groupes a échoué|Error en la entrega a estos destinatarios o grupos/i,
    },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: {
      start:
        /Diagnostic information for administrators:|cannot be reached:|Diagnoseinformationen für Administratoren:|Informations de diagnostic pour les administrateurs\s?:|Información de diagnóstico para administradores:/i,
      end: /^(?:Original message headers|Ursprüngliche Nachrichtenkopfzeilen|En-têtes du message d'origine\s?|Encabezados del mensaje original):/im,
    },
    recipientLine: new RegExp(`^\\s*(${ADDR})(?:\\s*$| on \\d)`),
    reportingMta:
      /(?:Generating server|Generierender Server|Serveur de génération\s?|Servidor de generación):\s*([\w.-]+)|<([\w.-]+) #\d\.\d{1,3}\.\d{1,3}>/i,
  },
  {
    format: 'exchange',
    when: { body: /Delivery to the following recipients has been delayed/i },
    action: 'delayed',
    defaultStatus: '4.0.0',
    section: { start: /has been delayed/i, end: /^Original message headers:|^-{3,}/im },
    recipientLine: new RegExp(`^\\s*(${ADDR})\\s*$`),
  },
  {
    format: 'gmail',
    when: { body: /Delivery to the following recipients? (?:has been delayed|is delayed)/i },
    action: 'delayed',
    defaultStatus: '4.0.0',
    section: { start: /has been delayed|is delayed/i, end: /^-{5,}|^[ \t]*----- Original message -----/im },
    recipientLine: new RegExp(`^\\s+(${ADDR})\\s*$`),
    sharedDiagnostic:
      /The error that the other server returned was:[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(\S[^\r\n]*)/i,
  },
  {
    format: 'gmail',
    when: {
      body: /Delivery to the following recipients? failed(?: permanently)?|Your message wasn't delivered to|Address not found\s*\*\*/i,
    },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: { end: /^-{5,}|^[ \t]*----- Original message -----/im },
    recipientLine: new RegExp(`^\\s+(${ADDR})\\s*$|Your message wasn't delivered to (${ADDR}) because`),
    sharedDiagnostic:
      /(?:The error that the other server returned was|The response from the remote server was):[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(\S[^\r\n]*)/i,
  },
  {
    format: 'domino',
    when: { body: /was not delivered to:\s*\r?\n[\s\S]{0,2000}?because:/i },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: { start: /was not delivered to:/i, end: /^[ \t]*because:/im },
    recipientLine: new RegExp(`^\\s+(${ADDR})\\s*$`),
    sharedDiagnostic: /^[ \t]*because:[ \t]*\r?\n(?:[ \t]*\r?\n)?[ \t]*(\S[^\r\n]*)/im,
  },
  {
    format: 'generic',
    when: {
      // At the start: an auto-reply (null Return-Path too, RFC 3834) may quote "rejected" further in.
      subject:
        /^\s*(?:undeliver|returned mail|(?:mail )?delivery (?:status notification|failure|failed|notification)|failure notice|non-?delivery|message not delivered|could not be delivered|mail delivery failed|mail system error|rejected|unzustellbar|nicht zustellbar|non remis|no se puede entregar|non recapitabile|onbestelbaar)/i,
    },
    action: 'failed',
    defaultStatus: '5.0.0',
    section: { end: /^-{2,} ?(?:Original message|Below this line|This is a copy)/im },
    recipientLine: new RegExp(`^[ \\t]*<?(${ADDR})>?:?[ \\t]+(?:\\S[^\\r\\n]*?[ \\t])?([45]\\d\\d[ -].*)$`),
  },
];

/** DSNs carry no vendor name: these signs tell whose a DSN is (first match wins; else 'rfc3464'). */
export const DSN_VENDORS: Array<{
  format: string;
  from?: RegExp;
  reportingMta?: RegExp;
  header?: RegExp;
  body?: RegExp;
}> = [
  { format: 'gmail', from: /@googlemail\.com|@google\.com/i },
  { format: 'ses', from: /@amazonses\.com>?$/i },
  { format: 'ses', reportingMta: /(?:^|\.)amazonses\.com$/i },
  { format: 'exchange', header: /^x-ms-exchange-/i },
  { format: 'exchange', reportingMta: /\.outlook\.com$|\.protection\.outlook\.com$/i },
  { format: 'exchange', body: /Diagnostic information for administrators/i },
  { format: 'yahoo', from: /@yahoo(?:-inc)?\.com|@yahoo\.[a-z.]+>?$/i },
  { format: 'postfix', header: /^x-postfix-/i },
  { format: 'postfix', body: /This is the mail system at host/i },
  { format: 'exim', body: /This message was created automatically by mail delivery software/i },
];

export type AutoReplyReason = 'vacation' | 'out_of_office' | 'auto_submitted' | 'other';

/**
 * Headers that say "a program answered" (RFC 3834 and the de-facto ones). `replyOnly`: the value
 * counts only when the message answers something (In-Reply-To or a subject below), because
 * notifications carry it too (Auto-Submitted: auto-generated).
 */
export const AUTO_REPLY_HEADERS: Array<{
  header: string;
  value: RegExp;
  reason: AutoReplyReason;
  replyOnly?: boolean;
}> = [
  { header: 'auto-submitted', value: /^auto-replied/i, reason: 'auto_submitted' },
  { header: 'auto-submitted', value: /^auto-(?!replied)[\w-]+/i, reason: 'auto_submitted', replyOnly: true },
  { header: 'x-autoreply', value: /^(?!no\b|false\b)/i, reason: 'other' },
  { header: 'x-autorespond', value: /^(?!no\b|false\b)/i, reason: 'other' },
  { header: 'x-autogenerated', value: /^reply/i, reason: 'other' },
  { header: 'precedence', value: /^auto[_-]?reply\b/i, reason: 'other' },
  { header: 'x-precedence', value: /^auto[_-]?reply\b/i, reason: 'other' },
];

/**
 * Subjects of out-of-office and vacation replies, anchored at the start (an ordinary subject
 * that mentions a holiday further in is not one). `alone: true` rows are phrases only a responder
 * writes ("Automatic reply:", "Abwesenheitsnotiz"): the subject is enough, unless the message is
 * list or bulk mail (BULK_SIGNS). The other rows are words a person writes too ("Urlaub",
 * "Vacaciones de Navidad"): they count only on a message that answers one (In-Reply-To or
 * References) or carries an auto-reply header; then they say vacation rather than out of office.
 */
export const AUTO_REPLY_SUBJECTS: Array<{
  subject: RegExp;
  reason: AutoReplyReason;
  language: string;
  alone: boolean;
}> = [
  {
    language: 'en',
    reason: 'out_of_office',
    alone: true,
    subject:
      /^(?:auto(?:matic)?[ -]?reply:\s*)?(?:out of (?:the )?office|ooo\b|away from (?:the |my )?office)/i,
  },
  {
    language: 'en',
    reason: 'vacation',
    alone: true,
    subject:
      /^(?:auto(?:matic)?[ -]?reply:\s*)?(?:on vacation|vacation (?:reply|message|notice|auto-?reply)|i am (?:currently )?(?:on vacation|away))\b/i,
  },
  { language: 'en', reason: 'vacation', alone: false, subject: /^(?:on holiday|on leave|vacation)\b/i },
  {
    language: 'en',
    reason: 'out_of_office',
    alone: true,
    subject: /^(?:automatic reply|auto[ -]?reply|autoresponse|auto-response|auto:)(?:\b|:)/i,
  },
  {
    language: 'de',
    reason: 'out_of_office',
    alone: true,
    subject:
      /^(?:automatische antwort:\s*)?(?:abwesenheitsnotiz|abwesenheitsnachricht|abwesenheitsmeldung|nicht im büro|außer haus|ausser haus)/i,
  },
  {
    language: 'de',
    reason: 'vacation',
    alone: true,
    subject: /^(?:automatische antwort:\s*)?(?:urlaubsabwesenheit|ich bin im urlaub)/i,
  },
  { language: 'de', reason: 'vacation', alone: false, subject: /^(?:im urlaub|urlaub)\b/i },
  { language: 'de', reason: 'out_of_office', alone: false, subject: /^(?:abwesenheit|abwesend)\b/i },
  { language: 'de', reason: 'out_of_office', alone: true, subject: /^automatische antwort\b/i },
  {
    language: 'fr',
    reason: 'out_of_office',
    alone: true,
    subject:
      /^(?:r[ée]ponse automatique\s*:\s*)?(?:absence du bureau|absente? du bureau|message d'absence|hors du bureau|je suis absente?)/i,
  },
  {
    language: 'fr',
    reason: 'vacation',
    alone: false,
    subject: /^(?:en congés?|en vacances|congés)(?![\w-])/i,
  },
  { language: 'fr', reason: 'out_of_office', alone: false, subject: /^(?:absence|absente?)(?![\w-])/i },
  { language: 'fr', reason: 'out_of_office', alone: true, subject: /^r[ée]ponse automatique\b/i },
  {
    language: 'es',
    reason: 'out_of_office',
    alone: true,
    subject:
      /^(?:respuesta autom[aá]tica:\s*)?(?:fuera de (?:la )?oficina|ausente de la oficina|no estoy en la oficina|estoy ausente)/i,
  },
  {
    language: 'es',
    reason: 'vacation',
    alone: true,
    subject: /^(?:respuesta autom[aá]tica:\s*)?estoy de vacaciones/i,
  },
  { language: 'es', reason: 'vacation', alone: false, subject: /^(?:de vacaciones|vacaciones)(?![\w-])/i },
  { language: 'es', reason: 'out_of_office', alone: false, subject: /^(?:ausente|ausencia)(?![\w-])/i },
  { language: 'es', reason: 'out_of_office', alone: true, subject: /^respuesta autom[aá]tica\b/i },
  {
    language: 'it',
    reason: 'out_of_office',
    alone: true,
    subject: /^(?:risposta automatica:\s*)?(?:fuori (?:sede|ufficio)|sono assente)/i,
  },
  { language: 'it', reason: 'vacation', alone: false, subject: /^(?:in ferie|in vacanza)\b/i },
  { language: 'it', reason: 'out_of_office', alone: true, subject: /^risposta automatica\b/i },
  {
    language: 'nl',
    reason: 'out_of_office',
    alone: true,
    subject: /^(?:automatisch antwoord:\s*)?(?:niet op kantoor|buiten kantoor|afwezigheidsbericht)/i,
  },
  { language: 'nl', reason: 'vacation', alone: false, subject: /^(?:op vakantie|met vakantie)\b/i },
  { language: 'nl', reason: 'out_of_office', alone: false, subject: /^afwezig\b/i },
  { language: 'nl', reason: 'out_of_office', alone: true, subject: /^automatisch antwoord\b/i },
  {
    language: 'pt',
    reason: 'out_of_office',
    alone: true,
    subject: /^(?:resposta autom[aá]tica:\s*)?(?:fora do escritório|ausente do escritório|estou ausente)/i,
  },
  { language: 'pt', reason: 'vacation', alone: false, subject: /^(?:de férias|em férias)(?![\w-])/i },
  { language: 'pt', reason: 'out_of_office', alone: true, subject: /^resposta autom[aá]tica\b/i },
];

/** Bulk and list mail is never an auto-reply by its subject alone. */
export const BULK_SIGNS: Array<{ header: string; value: RegExp }> = [
  { header: 'list-id', value: /./ },
  { header: 'list-unsubscribe', value: /./ },
  { header: 'precedence', value: /^(?:bulk|list|junk)\b/i },
];

/** Where a text bounce names the server that answered (group 1), tried in order on the diagnostic. */
export const REMOTE_MTA: RegExp[] = [
  /\bhost\s+((?:[\w-]+\.)+[A-Za-z]{2,})\.?\s*\[/i,
  /\bConnected to ((?:\d{1,3}\.){3}\d{1,3})\b/i,
  /^((?:\d{1,3}\.){3}\d{1,3}) does not like recipient/i,
  /\bby ((?:[\w-]+\.)+[A-Za-z]{2,})\.? \[(?:\d{1,3}\.){3}\d{1,3}\]/i,
  /\s-\s((?:[\w-]+\.)+[A-Za-z]{2,})\s*$/,
];
