// For tests: what a person does on the mock provider's consent page, without a browser.

/**
 * Opens a code flow's authorization URL on the mock mail server, answers its consent form as `email`
 * (`approve` or `deny`) and returns the query the provider sends the browser back to the callback with.
 */
export async function consent(
  mockHttpUrl: string,
  authorizationUrl: string,
  email: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<{ code?: string; state?: string; error?: string } & Record<string, string>> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const answer = await fetch(`${mockHttpUrl}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ nonce, email, decision }).toString(),
  });
  return Object.fromEntries(new URL(answer.headers.get('location') ?? '').searchParams);
}
