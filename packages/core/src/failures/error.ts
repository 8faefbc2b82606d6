import type { ErrorClass } from '../schemas/connection';

/** A classified connection problem as shown: what the admin sees as `error` of a test, or of a fetch. */
export type ConnectionErrorInfo = {
  code: ErrorClass;
  message: string;
  hint: string;
  reply?: string;
  responseCode?: number;
  /** The library's own words behind the message, verbatim (an OpenSSL line): technical detail. */
  detail?: string;
};

/** Thrown by protocol steps once a failure has been put in its class; carries what the admin needs. */
export class ConnectionFailure extends Error {
  readonly info: ConnectionErrorInfo;
  /** What the failing step learned before it failed (the certificate it refused, the reply it got). */
  readonly detail: Record<string, unknown> | undefined;

  constructor(info: ConnectionErrorInfo, opts: { cause?: unknown; detail?: Record<string, unknown> } = {}) {
    super(info.message, { cause: opts.cause });
    this.name = 'ConnectionFailure';
    this.info = info;
    this.detail = opts.detail;
  }

  get code(): ErrorClass {
    return this.info.code;
  }
}
