// A failure's message as a person reads it. The API keeps what the TLS library said verbatim (an OpenSSL
// line such as "…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…"): that stays
// available as the technical detail, and the sentence above it says what it means.

export type FailureText = { text: string; technical?: string };

/** OpenSSL's reasons, by what they mean for the person choosing the security mode. */
const openSslReasons: Array<[RegExp, (at: string) => string]> = [
  [
    /wrong version number|packet length too long|http request|unknown protocol|record layer failure/i,
    (at) =>
      `The server did not answer in TLS${at}: this port probably expects a plain connection or STARTTLS.`,
  ],
  [
    /unsupported protocol|protocol version|version too low|no protocols available/i,
    (at) => `The server and Mailroom share no TLS version${at}: the server may only offer an outdated one.`,
  ],
  [
    /handshake failure|no shared cipher|no cipher|insufficient security|sslv3 alert/i,
    (at) => `The server and Mailroom could not agree on how to encrypt${at}: no common cipher.`,
  ],
  [
    /unexpected eof|socket disconnected|ECONNRESET/i,
    (at) => `The server closed the connection during the TLS handshake${at}.`,
  ],
];

/** "TLS failed (host:port): <raw>" or "The TLS handshake failed: <raw>", as the core words it today. */
const TLS_PREFIX = /^(?:TLS failed|The TLS handshake failed)(\s*\([^)]*\))?:\s*([\s\S]*)$/;
/** What only a TLS library writes: OpenSSL error codes, its module names, or Node's EPROTO. */
const OPENSSL = /error:[0-9A-F]{8}:|SSL routines|ssl3_|tls_|EPROTO|alert/i;

/** A failure's message as a sentence, with the library's own words kept as `technical` when they are raw. */
export function failureText(error: { code: string; message: string }): FailureText {
  const message = error.message.trim();
  if (error.code !== 'tls') return { text: message };
  const m = TLS_PREFIX.exec(message);
  const raw = (m ? m[2] : message)?.trim() ?? '';
  if (!OPENSSL.test(raw)) return { text: message };
  const at = m?.[1] ? ` ${m[1].trim()}` : '';
  const found = openSslReasons.find(([re]) => re.test(raw));
  const text = found ? found[1](at) : `The encrypted (TLS) connection could not be set up${at}.`;
  return { text, technical: raw };
}
