import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventLog } from '../events.js';
import { MessageDirectory } from './persist.js';
import { type IncomingMessage, MessageStore, WaitTimeoutError } from './store.js';

const stores: MessageStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) {
    store.close();
    await store.idle();
  }
  vi.useRealTimers();
});

/** The message files of a store directory, sorted (without the store's own state file). */
async function messageFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => /\.(eml|json)$/.test(name)).sort();
}

function makeStore(
  limits: Partial<{ maxMessages: number; maxAgeMs: number; maxBytes: number }> = {},
  dir?: string,
) {
  const events = new EventLog();
  const store = new MessageStore(
    { maxMessages: 100, maxAgeMs: 3600_000, maxBytes: 1024 ** 3, ...limits },
    events,
    dir ? new MessageDirectory(dir) : null,
  );
  stores.push(store);
  return { store, events };
}

function incoming(
  to: string | string[],
  subject: string,
  extra: Partial<IncomingMessage> = {},
): IncomingMessage {
  const rcptTo = Array.isArray(to) ? to : [to];
  return {
    raw: Buffer.from(
      `From: s@example.org\r\nTo: ${rcptTo.join(', ')}\r\nSubject: ${subject}\r\n\r\nHello ${subject}\r\n`,
    ),
    transport: 'smtp',
    envelope: { mailFrom: 's@example.org', rcptTo },
    authUser: null,
    secure: false,
    remoteAddress: '127.0.0.1',
    ...extra,
  };
}

describe('MessageStore', () => {
  it('prunes the oldest beyond maxMessages', async () => {
    const { store } = makeStore({ maxMessages: 3 });
    for (let i = 1; i <= 5; i++) await store.ingest(incoming('a@example.org', `m${i}`));
    expect(store.query().map((m) => m.subject)).toEqual(['m5', 'm4', 'm3']);
  });

  it('prunes the oldest while source and decoded text exceed maxBytes, keeping the newest', async () => {
    // Each message holds 74 bytes of source and decoded text: two fit in 200, three do not.
    const { store } = makeStore({ maxBytes: 200 });
    for (let i = 1; i <= 4; i++) await store.ingest(incoming('a@example.org', `m${i}`));
    expect(store.query().map((m) => [m.subject, m.size + m.text.length])).toEqual([
      ['m4', 74],
      ['m3', 74],
    ]);
    const single = makeStore({ maxBytes: 10 }).store;
    await single.ingest(incoming('a@example.org', 'too big, kept anyway'));
    expect(single.size).toBe(1);
  });

  it('prunes messages older than maxAgeMs', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { store } = makeStore({ maxAgeMs: 60_000 });
    await store.ingest(incoming('a@example.org', 'old'));
    vi.setSystemTime(Date.now() + 45_000);
    await store.ingest(incoming('a@example.org', 'new'));
    // The pruning timer runs every maxAgeMs: now 'old' is 105 s old, 'new' 60 s.
    vi.advanceTimersByTime(60_000);
    expect(store.query().map((m) => m.subject)).toEqual(['new']);
  });

  it('pages newest first with a cursor that pruning does not break', async () => {
    const { store } = makeStore({ maxMessages: 10 });
    for (let i = 1; i <= 8; i++) await store.ingest(incoming('a@example.org', `m${i}`));
    const first = store.list({}, { limit: 3 });
    expect(first.items.map((m) => m.subject)).toEqual(['m8', 'm7', 'm6']);
    expect(first.total).toBe(8);
    // Six more arrive and push m1..m4 out before the client asks for page two.
    for (let i = 9; i <= 14; i++) await store.ingest(incoming('a@example.org', `m${i}`));
    const second = store.list({}, { after: first.next!, limit: 3 });
    expect(second.items.map((m) => m.subject)).toEqual(['m5']);
    expect(second.next).toBeNull();
  });

  it('pages through a filter', async () => {
    const { store } = makeStore();
    for (let i = 1; i <= 5; i++)
      await store.ingest(incoming(i % 2 ? 'odd@example.org' : 'even@example.org', `m${i}`));
    const page = store.list({ to: 'odd@example.org' }, { limit: 2 });
    expect(page).toMatchObject({ total: 3, next: page.items[1]!.cursor });
    expect(page.items.map((m) => m.subject)).toEqual(['m5', 'm3']);
    expect(
      store.list({ to: 'odd@example.org' }, { after: page.next!, limit: 2 }).items.map((m) => m.subject),
    ).toEqual(['m1']);
  });

  it('finds mail by recipient, plus tag and SMTP user', async () => {
    const { store } = makeStore();
    await store.ingest(incoming('Ann@Example.org', 'plain'));
    await store.ingest(incoming('ann+signup@example.org', 'signup'));
    await store.ingest(incoming('ann+reset@example.org', 'reset', { authUser: 'app-2' }));
    await store.ingest(incoming('annie@example.org', 'other'));
    const subjects = (filter: object) => store.query(filter).map((m) => m.subject);
    expect(subjects({ to: 'ann@example.org' })).toEqual(['reset', 'signup', 'plain']);
    expect(subjects({ to: 'ann+signup@example.org' })).toEqual(['signup']);
    expect(subjects({ tag: 'reset' })).toEqual(['reset']);
    expect(subjects({ user: 'APP-2' })).toEqual(['reset']);
    expect(subjects({ subject: 'SIGN' })).toEqual(['signup']);
    expect(subjects({ q: 'hello other' })).toEqual(['other']);
    expect(subjects({ from: 's@example' })).toHaveLength(4);
  });

  it('waitFor resolves with a stored match, or with the next one after the cursor', async () => {
    const { store } = makeStore();
    const first = await store.ingest(incoming('a@example.org', 'one'));
    await expect(store.waitFor({ to: 'a@example.org' }, 0, 100)).resolves.toMatchObject({ subject: 'one' });
    const waiting = store.waitFor({ to: 'a@example.org' }, Number(first.cursor), 1000);
    await store.ingest(incoming('b@example.org', 'not this'));
    await store.ingest(incoming('a@example.org', 'two'));
    await expect(waiting).resolves.toMatchObject({ subject: 'two' });
    await expect(store.waitFor({ to: 'nobody@example.org' }, 0, 50)).rejects.toBeInstanceOf(WaitTimeoutError);
  });

  it('publishes message, delete and reset events', async () => {
    const { store, events } = makeStore({ maxMessages: 1 });
    const a = await store.ingest(incoming('a@example.org', 'a'));
    await store.ingest(incoming('a@example.org', 'b'));
    store.clear();
    expect(events.since(0).events.map((e) => [e.type, (e.data as { id?: string }).id])).toEqual([
      ['message', a.id],
      ['message', expect.any(String)],
      ['delete', a.id],
      ['reset', undefined],
    ]);
  });

  it('deletes by id and by filter', async () => {
    const { store } = makeStore();
    const a = await store.ingest(incoming('a@example.org', 'a'));
    await store.ingest(incoming('b@example.org', 'b'));
    await store.ingest(incoming('b@example.org', 'c'));
    expect(store.delete(a.id)).toBe(true);
    expect(store.delete(a.id)).toBe(false);
    expect(store.deleteMatching({ to: 'b@example.org' })).toBe(2);
    expect(store.size).toBe(0);
  });

  it('gives new mail its X-Tags and plus-address tags, unread', async () => {
    const { store } = makeStore();
    const m = await store.ingest(
      incoming('ann+signup+eu@example.org', 'tagged', {
        raw: Buffer.from(
          'From: Shop <shop+billing@example.org>\r\nTo: ann+signup+eu@example.org\r\n' +
            'X-Tags: Invoice, bad/chars!, invoice\r\nSubject: tagged\r\n\r\nHi\r\n',
        ),
      }),
    );
    expect(m.read).toBe(false);
    expect(m.tags).toEqual(['Invoice', 'bad chars', 'billing', 'eu', 'signup']);
  });

  it('updates read state and tags by replacing the stored message', async () => {
    const { store } = makeStore();
    const before = await store.ingest(incoming('a@example.org', 'one'));
    const after = store.update(before.id, { read: true, tags: ['b', 'A', 'a', '  '] });
    expect(after).toMatchObject({ id: before.id, read: true, tags: ['A', 'b'] });
    expect(before.read).toBe(false);
    expect(store.get(before.id)).toBe(after);
    expect(store.update(before.id, { read: true })).toBe(after);
    expect(store.update('nope', { read: true })).toBeUndefined();
  });

  it('publishes an update event naming what changed, and none when nothing did', async () => {
    const { store, events } = makeStore();
    const m = await store.ingest(incoming('a@example.org', 'one'));
    const seen: Array<{ type: string; data: unknown }> = [];
    events.subscribe(({ type, data }) => seen.push({ type, data }));
    store.update(m.id, { read: true, flags: ['\\Flagged'] });
    store.update(m.id, { read: true });
    store.update(m.id, { tags: ['work'] });
    store.delete(m.id);
    expect(seen).toEqual([
      {
        type: 'update',
        data: expect.objectContaining({
          id: m.id,
          subject: 'one',
          read: true,
          flags: ['\\Flagged'],
          folder: 'INBOX',
          uid: m.uid,
          changed: ['read', 'flags'],
        }),
      },
      { type: 'update', data: expect.objectContaining({ id: m.id, tags: ['work'], changed: ['tags'] }) },
      { type: 'delete', data: { id: m.id, reason: 'deleted' } },
    ]);
  });

  describe('with a store directory', () => {
    let dir: string;
    afterEach(async () => {
      // Close the stores first: their background writes must not land in a directory being removed.
      for (const store of stores.splice(0)) {
        store.close();
        await store.idle();
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('writes .eml files and loads them back with their envelopes', async () => {
      dir = await mkdtemp(join(tmpdir(), 'mock-store-'));
      const first = makeStore({}, dir).store;
      const a = await first.ingest(incoming('a@example.org', 'kept', { authUser: 'ann' }));
      const b = await first.ingest(incoming('b@example.org', 'deleted'));
      await new Promise((r) => setTimeout(r, 50));
      first.delete(b.id);
      await new Promise((r) => setTimeout(r, 50));
      expect(await messageFiles(dir)).toEqual([`${a.id}.eml`, `${a.id}.json`]);

      const second = makeStore({}, dir).store;
      await second.load();
      expect(second.query()).toEqual([a]);
      expect((await second.raw(a.id))!.toString()).toContain('Subject: kept');
      const c = await second.ingest(incoming('c@example.org', 'after restart'));
      expect(Number(c.cursor)).toBeGreaterThan(Number(b.cursor));
    });

    it('keeps read state and tags across a restart, and a deletion right after a change leaves no file', async () => {
      dir = await mkdtemp(join(tmpdir(), 'mock-store-'));
      const first = makeStore({}, dir).store;
      const kept = await first.ingest(incoming('a@example.org', 'kept'));
      const gone = await first.ingest(incoming('b@example.org', 'gone'));
      first.update(kept.id, { read: true, tags: ['Seen it'] });
      first.update(gone.id, { read: true });
      first.delete(gone.id);
      await first.idle();
      expect(await messageFiles(dir)).toEqual([`${kept.id}.eml`, `${kept.id}.json`].sort());

      const second = makeStore({}, dir).store;
      await second.load();
      expect(second.get(kept.id)).toMatchObject({ read: true, tags: ['Seen it'] });
    });

    it('keeps IMAP UIDs, UIDVALIDITY and flags across a restart, and never reuses a deleted UID', async () => {
      dir = await mkdtemp(join(tmpdir(), 'mock-store-'));
      const first = makeStore({}, dir).store;
      const kept = await first.ingest(incoming('a@example.org', 'kept'));
      const newest = await first.ingest(incoming('a@example.org', 'newest'));
      const copy = await first.ingest(
        incoming('a@example.org', 'copy', { folder: 'Archive', read: true, flags: ['\\Flagged'] }),
      );
      expect([kept.uid, newest.uid, copy.uid]).toEqual([1, 2, 3]);
      expect(copy).toMatchObject({ folder: 'Archive', read: true, flags: ['\\Flagged'] });
      first.update(kept.id, { flags: ['\\Answered', '$Work'] });
      first.delete(copy.id);
      first.delete(newest.id);
      await first.idle();

      const second = makeStore({}, dir).store;
      await second.load();
      expect(second.uidValidity).toBe(first.uidValidity);
      expect(second.get(kept.id)).toMatchObject({ uid: 1, folder: 'INBOX', flags: ['\\Answered', '$Work'] });
      const next = await second.ingest(incoming('a@example.org', 'after restart'));
      expect(next.uid).toBe(4);
    });

    it('gives UIDs to messages kept before UIDs existed, once', async () => {
      dir = await mkdtemp(join(tmpdir(), 'mock-store-'));
      const first = makeStore({}, dir).store;
      const old = await first.ingest(incoming('a@example.org', 'old'));
      await first.idle();
      const metaFile = join(dir, `${old.id}.json`);
      const { uid: _uid, ...legacy } = JSON.parse(await readFile(metaFile, 'utf8'));
      await writeFile(metaFile, JSON.stringify(legacy));
      await rm(join(dir, 'store.state'), { force: true });

      const second = makeStore({}, dir).store;
      await second.load();
      const uid = second.get(old.id)!.uid;
      expect(uid).toBeGreaterThan(0);
      await second.idle();
      const third = makeStore({}, dir).store;
      await third.load();
      expect(third.get(old.id)!.uid).toBe(uid);
    });
  });
});
