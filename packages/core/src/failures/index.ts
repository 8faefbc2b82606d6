export { classifyFailure, fromInfo, toInfo, type Where } from './classify';
export { certificateMessages, classOfCode, codeClasses, isCertificateCode, isTlsCode } from './codes';
export { type ConnectionErrorInfo, ConnectionFailure } from './error';
export { type HttpReply, httpReplyFailure, type TokenReply, tokenReplyFailure } from './http';
export { type ImapReply, imapflowReply, imapReplyFailure } from './imap';
export { type Pop3Reply, pop3ReplyFailure } from './pop3';
export {
  type EnhancedStatus,
  enhancedStatus,
  type SmtpReply,
  smtpReplyFailure,
  smtpStageOf,
  startTlsRefused,
} from './smtp';
export {
  type Failure,
  type FailureClass,
  type FailureOptions,
  failure,
  failureTable,
  situationHints,
  temporaryNote,
} from './table';
