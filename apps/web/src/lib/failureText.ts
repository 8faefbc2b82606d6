// A failure's message as a person reads it. The API words it as a sentence (packages/core/src/failures/)
// and keeps what the TLS library said verbatim (an OpenSSL line such as "…:error:0A00010B:SSL
// routines:ssl3_get_record:wrong version number:…") apart, as `detail`: shown as the technical detail.

export type FailureText = { text: string; technical?: string };

/** A failure's message as a sentence, with the library's own words kept as `technical` when it has any. */
export function failureText(error: { code: string; message: string; detail?: string }): FailureText {
  const text = error.message.trim();
  return error.detail ? { text, technical: error.detail } : { text };
}
