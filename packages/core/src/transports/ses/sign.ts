import aws4 from 'aws4';

export type SesCredentials = { region: string; accessKeyId: string; secretAccessKey: string };

/**
 * Signs one SES API request with AWS Signature Version 4 (service `ses`) and returns the headers to send:
 * Host, X-Amz-Date, Content-Type and Authorization. The body is signed as it will be sent. The
 * Authorization header's signature is returned apart too, so what records the attempt can mask it.
 */
export function signSesRequest(
  url: URL,
  req: { method: 'GET' | 'POST'; body?: string },
  creds: SesCredentials,
): { headers: Record<string, string>; signature: string } {
  const signed = aws4.sign(
    {
      host: url.host,
      path: `${url.pathname}${url.search}`,
      method: req.method,
      service: 'ses',
      region: creds.region,
      headers: {
        accept: 'application/json',
        ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(req.body !== undefined ? { body: req.body } : {}),
    },
    { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  );
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers ?? {})) {
    // The door sets Content-Length from the bytes it sends (the same ones that were signed).
    if (value === undefined || name.toLowerCase() === 'content-length') continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const authorization = headers.Authorization ?? '';
  const signature = /Signature=([0-9a-f]+)/.exec(authorization)?.[1] ?? '';
  return { headers, signature };
}
