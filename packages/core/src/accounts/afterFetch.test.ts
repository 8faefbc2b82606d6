import { describe, expect, it } from 'vitest';
import { accountInputSchema, incomingInputSchema } from '../schemas/account';
import { connectionTestInputSchema } from '../schemas/connection';
import { readableIssues } from '../schemas/issues';

const incoming = (protocol: 'imap' | 'pop3', afterFetch: string) => ({
  protocol,
  host: 'mail.example.com',
  auth: { method: 'password', username: 'u@example.com', password: 'p' },
  afterFetch,
});

const refusal = (
  schema: { safeParse(v: unknown): { success: boolean; error?: unknown } },
  input: unknown,
) => {
  const r = schema.safeParse(input);
  if (r.success) return undefined;
  return readableIssues((r.error as { issues: Parameters<typeof readableIssues>[0] }).issues);
};

describe('incoming afterFetch', () => {
  it('refuses "mark as read" for POP3, which has no flags, naming incoming.afterFetch', () => {
    expect(refusal(accountInputSchema, { name: 'Pop', incoming: incoming('pop3', 'mark_seen') })).toEqual([
      {
        path: ['incoming', 'afterFetch'],
        message: 'POP3 cannot mark messages as read (it has no flags): choose keep or delete',
      },
    ]);
    // The form's Test button checks the same rule.
    expect(
      refusal(connectionTestInputSchema, { direction: 'incoming', incoming: incoming('pop3', 'mark_seen') }),
    ).toEqual([expect.objectContaining({ path: ['incoming', 'afterFetch'] })]);
  });

  it('takes keep and delete for POP3, and all three for IMAP', () => {
    for (const a of ['keep', 'delete'])
      expect(incomingInputSchema.safeParse(incoming('pop3', a)).success).toBe(true);
    for (const a of ['keep', 'mark_seen', 'delete'])
      expect(incomingInputSchema.safeParse(incoming('imap', a)).success).toBe(true);
  });
});
