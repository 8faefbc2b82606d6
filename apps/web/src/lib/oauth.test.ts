import { oauthCallbackResultSchema } from '@mailroom/core/schemas';
import { describe, expect, it } from 'vitest';
import { authorizationRequest, type OAuthSetup } from '../components/account/OAuthConnect';
import { emptyDraft } from './accountDraft';
import { emptyDkimDraft } from './dkimDraft';
import { clock, returnedSignIn, scrubSecrets, shortProviderName, statusText } from './oauth';
import { newSecret } from './secrets';

const setup = (over: Partial<OAuthSetup> = {}): OAuthSetup => ({
  provider: 'google',
  providerName: 'Google',
  device: false,
  clientId: ' client-1 ',
  clientSecret: newSecret(),
  authorizationEndpoint: '',
  tokenEndpoint: '',
  deviceEndpoint: '',
  userinfoEndpoint: '',
  scopes: '',
  ...over,
});

describe('OAuth2 sign-in helpers', () => {
  it('asks a catalogue provider by id, with the secret only when typed and the address as hint', () => {
    expect(authorizationRequest(setup(), { loginHint: 'me@gmail.com' })).toEqual({
      provider: 'google',
      clientId: 'client-1',
      loginHint: 'me@gmail.com',
    });
    const typed = { ...newSecret(), value: 's3cret' };
    expect(authorizationRequest(setup({ clientSecret: typed }), { accountId: 'a1' })).toEqual({
      provider: 'google',
      clientId: 'client-1',
      clientSecret: 's3cret',
      accountId: 'a1',
    });
    // A stored secret is kept on the server: never sent back.
    expect(authorizationRequest(setup({ clientSecret: newSecret(true) }), {})).not.toHaveProperty(
      'clientSecret',
    );
  });

  it('sends a custom provider its typed endpoints and scopes', () => {
    const r = authorizationRequest(
      setup({
        provider: '',
        tokenEndpoint: 'https://id.example.com/token',
        authorizationEndpoint: 'https://id.example.com/authorize',
        scopes: ' mail  offline_access ',
      }),
      { loginHint: 'not an address' },
    );
    expect(r).toEqual({
      endpoints: {
        tokenEndpoint: 'https://id.example.com/token',
        authorizationEndpoint: 'https://id.example.com/authorize',
        scopes: ['mail', 'offline_access'],
      },
      clientId: 'client-1',
    });
  });

  it('parks a draft without any typed secret', () => {
    const d = {
      a: { stored: false, mode: 'replace', value: 'typed' },
      b: { stored: true, mode: 'replace', value: 'x' },
    };
    expect(scrubSecrets(d)).toEqual({
      a: { stored: false, mode: 'replace', value: '' },
      b: { stored: true, mode: 'keep', value: '' },
    });
  });

  it('parks a draft without a pasted DKIM private key (the code flow leaves the page)', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    const draft = emptyDraft();
    draft.outgoing.dkim = { ...emptyDkimDraft(), enabled: true, keyMode: 'paste', pasted: pem };
    const parked = JSON.stringify(scrubSecrets(draft));
    expect(parked).not.toContain('PRIVATE KEY');
    expect(parked).not.toContain('MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
    // The rest of the DKIM settings come back; the key is pasted again, as a password is typed again.
    expect(scrubSecrets(draft).outgoing.dkim).toMatchObject({ enabled: true, keyMode: 'paste', pasted: '' });
  });

  it('reads the way back, names providers shortly and counts down in m:ss', () => {
    expect(returnedSignIn(new URLSearchParams('oauth=connected&authorization=x1'))).toEqual({
      id: 'x1',
      result: 'connected',
    });
    expect(returnedSignIn(new URLSearchParams('tab=1'))).toBeUndefined();
    expect(shortProviderName('Google (Gmail, Google Workspace)')).toBe('Google');
    expect(shortProviderName('Microsoft 365 / Outlook.com')).toBe('Microsoft 365');
    expect(clock(90)).toBe('1:30');
    expect(clock(-3)).toBe('0:00');
  });

  it('says in plain words what each result of the callback means, a replayed or foreign one included', () => {
    const results = oauthCallbackResultSchema.options;
    const texts = results.map((r) => statusText(r));
    // One sentence each: none falls through to another's (before, `invalid` read as a bare failure).
    expect(new Set(texts).size).toBe(results.length);
    expect(statusText('invalid')).toBe(
      'This sign-in was already used or was not started here, so nothing was connected. Start the sign-in again.',
    );
    expect(statusText('connected', 'me@example.com')).toBe('Connected as me@example.com');
    expect(statusText('error', null, 'The provider sent no code')).toBe(
      'The sign-in failed: The provider sent no code',
    );
  });

  it('reads a result the link made up, even a name every object has, as a failure', () => {
    // `?oauth=constructor` used to pick Object itself out of the table, and the page rendered a function.
    for (const made of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'nonsense']) {
      expect(statusText(made as never)).toBe('The sign-in failed. Start again to retry.');
    }
  });
});
