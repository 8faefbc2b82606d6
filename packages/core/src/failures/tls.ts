// A failed TLS handshake in words. OpenSSL says why in a line of its own ("…:error:0A00010B:SSL
// routines:ssl3_get_record:wrong version number:…"): the message is a sentence saying what that means for
// the security mode, and OpenSSL's line is kept verbatim as the failure's `detail`.

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

/** What only a TLS library writes: OpenSSL error codes, its module names, or Node's EPROTO. */
const OPENSSL = /error:[0-9A-F]{8}:|SSL routines|ssl3_|tls_|EPROTO|alert/i;

/**
 * A TLS failure's message (`at`: " (host:port)" or empty): a sentence, with the library's raw words as
 * `detail` when they are OpenSSL's; other words (already a sentence) stay the message as they were.
 */
export function tlsFailureText(raw: string, at: string): { message: string; detail?: string } {
  const said = raw.trim();
  if (!OPENSSL.test(said)) return { message: `TLS failed${at}: ${said}` };
  const found = openSslReasons.find(([re]) => re.test(said));
  return {
    message: found ? found[1](at) : `The encrypted (TLS) connection could not be set up${at}.`,
    detail: said,
  };
}
