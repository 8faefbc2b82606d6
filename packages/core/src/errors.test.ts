import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MailroomError, parseInput } from './errors';
import { accountInputSchema, accountPatchSchema } from './schemas/account';
import { messageInputSchema, verificationStartSchema } from './schemas/messages';
import { webhookInputSchema } from './schemas/webhooks';

/** The validation_failed error parseInput raises for `input`. */
function invalid(schema: z.ZodType, input: unknown): MailroomError {
  try {
    parseInput(schema, input);
  } catch (err) {
    if (err instanceof MailroomError) return err;
    throw err;
  }
  throw new Error('expected the input to be refused');
}

describe('problem details read as sentences', () => {
  it('separates the field path from the message', () => {
    const err = invalid(verificationStartSchema, { to: 'nope' });
    expect(err.message).toBe('to: must be a valid email address');
    expect(err.errors).toEqual([{ path: 'to', message: 'must be a valid email address' }]);
  });

  it("words zod's own messages to follow the field name", () => {
    const err = invalid(messageInputSchema, { to: 'x@example.com', subject: 1, text: 't' });
    expect(err.errors).toEqual([
      { path: 'to', message: 'must be a list' },
      { path: 'subject', message: 'must be text' },
    ]);
    expect(err.message).toBe('to: must be a list (and 1 more)');
    expect(invalid(messageInputSchema, { subject: 's', text: 't' }).errors?.[0]).toEqual({
      path: 'to',
      message: 'is required',
    });
    expect(
      invalid(accountInputSchema, { name: 'A', purpose: 'sales', outgoing: { transport: 'fax' } }).errors,
    ).toEqual([
      { path: 'purpose', message: 'must be one of "system", "campaigns", "customer_service"' },
      { path: 'outgoing.transport', message: expect.stringMatching(/^must be one of "smtp", /) },
    ]);
  });

  it('says an address is text when it gets an object (as `from` takes)', () => {
    const err = invalid(messageInputSchema, { to: [{ address: 'x@example.com' }], subject: 's', text: 't' });
    expect(err.errors).toEqual([
      { path: 'to.0', message: 'must be an email address as text, such as ann@example.com' },
    ]);
    expect(invalid(verificationStartSchema, {}).errors).toEqual([{ path: 'to', message: 'is required' }]);
  });

  it('names each unknown field at its own path', () => {
    const err = invalid(accountPatchSchema, { name: 'A', colour: 'red' });
    expect(err.errors).toEqual([{ path: 'colour', message: 'is not a known field' }]);
    expect(err.message).toBe('colour: is not a known field');
  });

  it('words sizes, numbers and formats', () => {
    const schema = z
      .object({
        a: z.string().min(3),
        b: z.string().min(1),
        c: z.array(z.string()).max(2),
        n: z.number().int().gt(0),
        u: z.url(),
      })
      .strict();
    expect(invalid(schema, { a: 'x', b: '', c: ['1', '2', '3'], n: 1.5, u: 'no' }).errors).toEqual([
      { path: 'a', message: 'must be at least 3 characters long' },
      { path: 'b', message: 'must not be empty' },
      { path: 'c', message: 'must have at most 2 items' },
      { path: 'n', message: 'must be a whole number' },
      { path: 'u', message: 'must be a valid URL' },
    ]);
    expect(invalid(schema, null).message).toBe('The request body must be an object');
  });

  it("names the bad item of a union's list, and says which forms a union takes", () => {
    const url = 'https://hooks.example.com/mailroom';
    const item = invalid(webhookInputSchema, { url, eventTypes: ['message.sent', 'nope'] });
    expect(item.errors).toHaveLength(1);
    expect(item.errors?.[0]?.path).toBe('eventTypes.1');
    expect(item.errors?.[0]?.message).toMatch(/^must be one of .*"message\.sent"/);
    expect(invalid(webhookInputSchema, { url, eventTypes: 5 }).errors).toEqual([
      { path: 'eventTypes', message: 'must be "all", or a list' },
    ]);
  });
});
