import type { RecipientReport } from '../types';

/** One line per sample in this folder: what classifyMessage must say about it. */
export type Expected =
  | {
      file: string;
      kind: 'bounce';
      format: string;
      rfc3464: boolean;
      recipients: Array<Pick<RecipientReport, 'address' | 'status' | 'kind'>>;
      originalMessageId: string | null;
      verpToken: string | null;
      reportingMta?: string | null;
    }
  | {
      file: string;
      kind: 'complaint';
      feedbackType: string;
      recipients: string[];
      originalMessageId: string | null;
      verpToken: string | null;
    }
  | {
      file: string;
      kind: 'auto_reply';
      reason: 'vacation' | 'out_of_office' | 'auto_submitted' | 'other';
      originalMessageId: string | null;
      from: string;
    }
  | { file: string; kind: 'other' };

const r = (address: string, status: string | null, kind: RecipientReport['kind']) => ({
  address,
  status,
  kind,
});

/** The VERP base the samples were sent from: bounces@sender.test. */
export const VERP_BASE = 'bounces@sender.test';

export const EXPECTED: Expected[] = [
  // RFC 3464 delivery status notifications
  {
    file: 'rfc3464-postfix-hard.eml',
    kind: 'bounce',
    format: 'postfix',
    rfc3464: true,
    recipients: [r('nobody@recipient.test', '5.1.1', 'hard')],
    originalMessageId: '<quote-1001@sender.test>',
    verpToken: 'token123',
    reportingMta: 'mail.sender.test',
  },
  {
    file: 'rfc3464-postfix-delayed.eml',
    kind: 'bounce',
    format: 'postfix',
    rfc3464: true,
    recipients: [r('slow@busy.test', '4.4.1', 'delayed')],
    originalMessageId: '<ticket-4411-3@sender.test>',
    verpToken: 'dly7',
  },
  {
    file: 'rfc3464-postfix-mailbox-full.eml',
    kind: 'bounce',
    format: 'postfix',
    rfc3464: true,
    recipients: [r('hoarder@storage.test', '5.2.2', 'soft')],
    originalMessageId: '<nov-update-88@sender.test>',
    verpToken: 'full2',
  },
  {
    file: 'rfc3464-multi-recipient.eml',
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    recipients: [
      r('gone@first.test', '5.1.1', 'hard'),
      r('ghost@second.test', '5.1.2', 'hard'),
      r('fine@third.test', '2.0.0', 'delivered'),
    ],
    originalMessageId: '<invoice-2026-118@sender.test>',
    verpToken: 'multi9',
    reportingMta: 'relay.sender.test',
  },
  {
    file: 'rfc3464-delivered.eml',
    kind: 'bounce',
    format: 'postfix',
    rfc3464: true,
    recipients: [r('buyer@partner.test', '2.0.0', 'delivered')],
    originalMessageId: '<order-77@sender.test>',
    verpToken: 'ok1',
  },
  {
    file: 'rfc3464-expired-soft.eml',
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    recipients: [r('flaky@unreliable.test', '4.4.7', 'soft')],
    originalMessageId: '<digest-46@sender.test>',
    verpToken: 'exp4',
  },
  {
    file: 'rfc3464-vague-status.eml',
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    recipients: [r('former.employee@old-corp.test', '5.1.1', 'hard')],
    originalMessageId: '<hr-letter-12@sender.test>',
    verpToken: 'vague3',
  },
  {
    file: 'rfc3464-crlf-one-group.eml',
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    recipients: [r('someone@tiny-dest.test', '5.1.1', 'hard')],
    originalMessageId: '<crlf-original-5@sender.test>',
    verpToken: 'crlf5',
    reportingMta: 'smtp.tiny.test',
  },
  {
    file: 'rfc6533-global-dsn.eml',
    kind: 'bounce',
    format: 'rfc3464',
    rfc3464: true,
    recipients: [r('jürgen@münchen.test', '5.1.1', 'hard')],
    originalMessageId: '<intl-greeting-8@sender.test>',
    verpToken: 'intl8',
  },
  {
    file: 'gmail-dsn-hard.eml',
    kind: 'bounce',
    format: 'gmail',
    rfc3464: true,
    recipients: [r('typo.user@gmail-like.test', '5.1.1', 'hard')],
    originalMessageId: '<welcome-555@sender.test>',
    verpToken: 'g1a',
  },
  {
    file: 'gmail-dsn-delayed.eml',
    kind: 'bounce',
    format: 'gmail',
    rfc3464: true,
    recipients: [r('late@slowhost.test', '4.3.0', 'delayed')],
    originalMessageId: '<reminder-31@sender.test>',
    verpToken: 'g2b',
  },
  {
    file: 'exchange-dsn-hard.eml',
    kind: 'bounce',
    format: 'exchange',
    rfc3464: true,
    recipients: [r('j.doe@contoso-corp.test', '5.1.10', 'hard')],
    originalMessageId: '<quote-2002@sender.test>',
    verpToken: 'ex1',
  },
  {
    file: 'exchange-dsn-quota.eml',
    kind: 'bounce',
    format: 'exchange',
    rfc3464: true,
    recipients: [r('full.inbox@fabrikam.test', '5.2.2', 'soft')],
    originalMessageId: '<contract-9@sender.test>',
    verpToken: 'ex2',
  },
  {
    file: 'exim-dsn-delayed.eml',
    kind: 'bounce',
    format: 'exim',
    rfc3464: true,
    recipients: [r('waiting@queue-dest.test', '4.7.1', 'delayed')],
    originalMessageId: '<news-66@sender.test>',
    verpToken: 'exd6',
  },
  // Text bounces
  {
    file: 'qmail-hard.eml',
    kind: 'bounce',
    format: 'qmail',
    rfc3464: false,
    recipients: [r('left.company@qmail-dest.test', '5.1.1', 'hard')],
    originalMessageId: '<follow-up-301@sender.test>',
    verpToken: 'qm1',
    reportingMta: 'mx.qmail-site.test',
  },
  {
    file: 'qmail-multi.eml',
    kind: 'bounce',
    format: 'qmail',
    rfc3464: false,
    recipients: [r('nouser@qmail-two.test', '5.1.1', 'hard'), r('bigbox@qmail-two.test', '5.2.2', 'soft')],
    originalMessageId: '<team-invite-42@sender.test>',
    verpToken: 'qm2',
  },
  {
    file: 'exim-hard.eml',
    kind: 'bounce',
    format: 'exim',
    rfc3464: false,
    recipients: [r('no.such.person@exim-dest.test', '5.1.1', 'hard')],
    originalMessageId: '<survey-19@sender.test>',
    verpToken: 'ex9',
  },
  {
    file: 'exim-multi.eml',
    kind: 'bounce',
    format: 'exim',
    rfc3464: false,
    recipients: [
      r('a.one@exim-multi.test', '5.1.1', 'hard'),
      r('b.two@nowhere-domain.test', '5.1.2', 'hard'),
    ],
    originalMessageId: '<event-22@sender.test>',
    verpToken: 'ex10',
  },
  {
    file: 'exim-delayed-text.eml',
    kind: 'bounce',
    format: 'exim',
    rfc3464: false,
    recipients: [r('patient@far-away.test', '4.3.2', 'delayed')],
    originalMessageId: null,
    verpToken: 'ex11',
    reportingMta: 'mx.exim-site.test',
  },
  {
    file: 'postfix-text-hard.eml',
    kind: 'bounce',
    format: 'postfix',
    rfc3464: false,
    recipients: [r('closed@pf-dest.test', '5.7.1', 'hard')],
    originalMessageId: '<pf-original-3@sender.test>',
    verpToken: 'pf3',
    reportingMta: 'old-postfix.test',
  },
  {
    file: 'exchange-text-ndr.eml',
    kind: 'bounce',
    format: 'exchange',
    rfc3464: false,
    recipients: [r('old.contact@northwind.test', '5.1.10', 'hard')],
    originalMessageId: '<notes-808@sender.test>',
    verpToken: 'ex3',
    reportingMta: 'EXCH01.northwind.test',
  },
  {
    file: 'exchange-2003-text.eml',
    kind: 'bounce',
    format: 'exchange',
    rfc3464: false,
    recipients: [r('retired.buyer@legacy-ex.test', '5.1.1', 'hard')],
    originalMessageId: null,
    verpToken: 'ex4',
    reportingMta: 'mail.legacy-ex.test',
  },
  {
    file: 'exchange-text-delay.eml',
    kind: 'bounce',
    format: 'exchange',
    rfc3464: false,
    recipients: [r('buyer.slow@contoso-corp.test', '4.0.0', 'delayed')],
    originalMessageId: '<order-4242@sender.test>',
    verpToken: 'ex5',
  },
  {
    file: 'gmail-text-old-hard.eml',
    kind: 'bounce',
    format: 'gmail',
    rfc3464: false,
    recipients: [r('nobody.here@legacy-isp.test', '5.1.1', 'hard')],
    originalMessageId: '<promo-12@sender.test>',
    verpToken: 'g3',
  },
  {
    file: 'gmail-text-old-delayed.eml',
    kind: 'bounce',
    format: 'gmail',
    rfc3464: false,
    recipients: [r('delayed.user@slow-isp.test', '4.2.1', 'delayed')],
    originalMessageId: '<status-99@sender.test>',
    verpToken: 'g4',
  },
  {
    file: 'yahoo-hard.eml',
    kind: 'bounce',
    format: 'yahoo',
    rfc3464: false,
    recipients: [r('closedaccount@yahoo-dest.test', '5.1.1', 'hard')],
    originalMessageId: '<yahoo-original-1@sender.test>',
    verpToken: 'y1',
  },
  {
    file: 'yahoo-quota.eml',
    kind: 'bounce',
    format: 'yahoo',
    rfc3464: false,
    recipients: [r('overquota@yahoo-dest.test', '5.2.2', 'soft')],
    originalMessageId: '<yahoo-original-2@sender.test>',
    verpToken: 'y2',
  },
  {
    file: 'generic-undeliverable.eml',
    kind: 'bounce',
    format: 'generic',
    rfc3464: false,
    recipients: [r('nope@tiny-dest.test', '5.1.1', 'hard')],
    originalMessageId: '<generic-original-1@sender.test>',
    verpToken: 'gen1',
  },
  {
    file: 'generic-x-failed-recipients.eml',
    kind: 'bounce',
    format: 'generic',
    rfc3464: false,
    recipients: [r('unknown.user@appliance-dest.test', '5.0.0', 'hard')],
    originalMessageId: null,
    verpToken: 'gen2',
  },
  // RFC 5965 feedback reports
  {
    file: 'arf-abuse.eml',
    kind: 'complaint',
    feedbackType: 'abuse',
    recipients: ['annoyed.user@bigmail.test'],
    originalMessageId: '<deals-2026-48@sender.test>',
    verpToken: 'arf1tok',
  },
  {
    file: 'arf-abuse-redacted.eml',
    kind: 'complaint',
    feedbackType: 'abuse',
    recipients: ['reader@mailhost.test'],
    originalMessageId: '<week-49@sender.test>',
    verpToken: 'red2',
  },
  {
    file: 'arf-fraud.eml',
    kind: 'complaint',
    feedbackType: 'fraud',
    recipients: ['careful.user@provider.test'],
    originalMessageId: '<verify-7@sender.test>',
    verpToken: null,
  },
  {
    file: 'arf-not-spam.eml',
    kind: 'complaint',
    feedbackType: 'not-spam',
    recipients: ['happy.user@bigmail.test'],
    originalMessageId: '<receipt-4@sender.test>',
    verpToken: 'ns4tok',
  },
  {
    file: 'arf-auth-failure.eml',
    kind: 'complaint',
    feedbackType: 'auth-failure',
    recipients: ['target@receiver.test'],
    originalMessageId: '<spoofed-5@attacker.test>',
    verpToken: null,
  },
  {
    file: 'arf-opt-out-multi.eml',
    kind: 'complaint',
    feedbackType: 'opt-out',
    recipients: ['first.reader@list-isp.test', 'second.reader@list-isp.test'],
    originalMessageId: '<bulletin-6@sender.test>',
    verpToken: null,
  },
  // RFC 3834 and vacation auto-replies
  {
    file: 'autoreply-en-outlook-ooo.eml',
    kind: 'auto_reply',
    reason: 'out_of_office',
    originalMessageId: '<quote-3003@sender.test>',
    from: 'dana.smith@client.test',
  },
  {
    file: 'autoreply-en-vacation.eml',
    kind: 'auto_reply',
    reason: 'vacation',
    originalMessageId: '<digest-50@sender.test>',
    from: 'pat@unix-host.test',
  },
  {
    file: 'autoreply-de-abwesenheit.eml',
    kind: 'auto_reply',
    reason: 'out_of_office',
    originalMessageId: null,
    from: 'joerg.mueller@kunde.test',
  },
  {
    file: 'autoreply-de-urlaub.eml',
    kind: 'auto_reply',
    reason: 'vacation',
    originalMessageId: null,
    from: 'sabine@firma.test',
  },
  {
    file: 'autoreply-fr-absence.eml',
    kind: 'auto_reply',
    reason: 'out_of_office',
    originalMessageId: '<relance-5@sender.test>',
    from: 'claire.dubois@client.test',
  },
  {
    file: 'autoreply-fr-conges.eml',
    kind: 'auto_reply',
    reason: 'vacation',
    originalMessageId: null,
    from: 'marc@entreprise.test',
  },
  {
    file: 'autoreply-es-fuera.eml',
    kind: 'auto_reply',
    reason: 'out_of_office',
    originalMessageId: '<oferta-7@sender.test>',
    from: 'lucia@cliente.test',
  },
  {
    file: 'autoreply-es-vacaciones.eml',
    kind: 'auto_reply',
    reason: 'vacation',
    originalMessageId: null,
    from: 'jorge@empresa.test',
  },
  {
    file: 'autoreply-it-fuori.eml',
    kind: 'auto_reply',
    reason: 'out_of_office',
    originalMessageId: null,
    from: 'giulia@cliente-it.test',
  },
  {
    file: 'autoreply-auto-submitted-ticket.eml',
    kind: 'auto_reply',
    reason: 'auto_submitted',
    originalMessageId: '<invoice-question-1@sender.test>',
    from: 'helpdesk@vendor.test',
  },
  {
    file: 'autoreply-precedence.eml',
    kind: 'auto_reply',
    reason: 'other',
    originalMessageId: null,
    from: 'info@shop-partner.test',
  },
  // Ordinary mail
  { file: 'other-ordinary.eml', kind: 'other' },
  { file: 'other-mentions-undeliverable.eml', kind: 'other' },
  { file: 'other-newsletter-bulk.eml', kind: 'other' },
  { file: 'other-notification-auto-generated.eml', kind: 'other' },
  { file: 'other-human-reply-ooo-topic.eml', kind: 'other' },
  { file: 'other-html-only.eml', kind: 'other' },
];
