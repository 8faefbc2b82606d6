import type { ServerResponse } from 'node:http';
import type { OAuthClientConfig } from './types.js';

// The provider's HTML pages: the consent page of the authorization code flow, and the device
// verification pages. Plain forms, no script; every value from a request is escaped.

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
  :root { font: 15px/1.45 system-ui, sans-serif; color: #1d232a; background: #f3f5f7; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; border: 1px solid #d6dbe0; border-radius: 8px; padding: 1.5rem 1.75rem; }
  h1 { font-size: 1.25rem; margin: 0 0 .75rem; }
  .brand { color: #5a6673; font-size: .85rem; margin-bottom: 1rem; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=email], input[type=text] { width: 100%; box-sizing: border-box; padding: .45rem .6rem; border: 1px solid #b8c0c8; border-radius: 4px; font: inherit; }
  ul { padding-left: 1.2rem; }
  code { background: #f3f5f7; padding: 0 .25rem; border-radius: 3px; word-break: break-all; }
  .actions { display: flex; gap: .75rem; margin-top: 1.5rem; }
  button { font: inherit; padding: .5rem 1.1rem; border-radius: 4px; border: 1px solid #b8c0c8; background: #fff; cursor: pointer; }
  button.primary { background: #1a66d2; border-color: #1a66d2; color: #fff; }
  .error { color: #a4161a; background: #fdecec; border-radius: 4px; padding: .5rem .75rem; }
  .note { color: #5a6673; font-size: .85rem; margin-top: 1.25rem; }
`;

/** Sends a page. Framing is refused (a consent page inside someone else's frame is clickjacking). */
export function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Mock OAuth</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand">Mock mail server · OAuth2 provider emulation</div>
${body}
</main>
</body>
</html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

const clientName = (client: OAuthClientConfig) => client.name ?? client.clientId;

const scopeList = (scopes: string[]) =>
  `<ul>${scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('')}</ul>`;

function consentForm(options: {
  action: string;
  nonce: string;
  identity: string;
  error?: string | undefined;
}): string {
  return `<form method="post" action="${escapeHtml(options.action)}">
<input type="hidden" name="nonce" value="${escapeHtml(options.nonce)}">
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<label for="email">Sign in as</label>
<input id="email" name="email" type="email" value="${escapeHtml(options.identity)}" autocomplete="off">
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>`;
}

/** What both consent pages show: who asks, for what, and the form. */
interface ConsentView {
  client: OAuthClientConfig;
  scopes: string[];
  nonce: string;
  identity: string;
  error?: string | undefined;
}

const asking = (client: OAuthClientConfig) =>
  `<h1><span id="client">${escapeHtml(clientName(client))}</span> wants to access your mail account</h1>`;

/** The consent page of an authorization request. */
export function authorizePage(options: ConsentView & { redirectUri: string }): string {
  return `${asking(options.client)}
<p>It asks for:</p>
${scopeList(options.scopes)}
<p>You will be sent back to <code id="redirect">${escapeHtml(options.redirectUri)}</code>.</p>
${consentForm({ action: '/oauth/authorize', nonce: options.nonce, identity: options.identity, error: options.error })}
<p class="note">Any address signs in: the mock issues tokens for whoever you type.</p>`;
}

/** The device page's first step: type the code the device shows. */
export function deviceEntryPage(options: {
  userCode?: string | undefined;
  error?: string | undefined;
}): string {
  return `<h1>Connect a device</h1>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="get" action="/oauth/device">
<label for="user_code">Enter the code shown on your device</label>
<input id="user_code" name="user_code" type="text" value="${escapeHtml(options.userCode ?? '')}" placeholder="XXXX-XXXX" autocomplete="off" autocapitalize="characters">
<div class="actions"><button class="primary" type="submit">Next</button></div>
</form>`;
}

/** The device page's second step: who is asking, approve or deny. */
export function deviceConsentPage(options: ConsentView & { userCode: string }): string {
  return `${asking(options.client)}
<p>Code <strong id="user-code">${escapeHtml(options.userCode)}</strong>. It asks for:</p>
${scopeList(options.scopes)}
${consentForm({ action: '/oauth/device', nonce: options.nonce, identity: options.identity, error: options.error })}`;
}

/** A final message (device approved or denied, or an error that cannot be redirected). */
export function messagePage(heading: string, text: string, error = false): string {
  return `<h1>${escapeHtml(heading)}</h1><p${error ? ' class="error" role="alert"' : ''}>${escapeHtml(text)}</p>`;
}
