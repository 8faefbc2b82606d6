import type { Comment, TimelineEvent } from '@mailroom/core/schemas';
import { createResource, createSignal, For, Show } from 'solid-js';
import { Widget } from '../../components/account/Widgets';
import { ErrorBanner } from '../../components/ErrorBanner';
import { addComment, listComments, timeline } from '../../lib/accounts';
import { dateTime, relTime } from '../../lib/format';
import { latest } from '../../lib/resource';
import { canEdit } from '../../lib/session';

type Item = { kind: 'event'; at: string; e: TimelineEvent } | { kind: 'comment'; at: string; c: Comment };

/** Comments and the timeline of events in one stream, newest first. */
export function Activity(props: { accountId: string; version: number }) {
  const [data, { refetch }] = createResource(
    // A string key: a new array on every read would refetch whenever the page's account reloads too.
    () => `${props.version}:${props.accountId}`,
    async (key) => {
      const id = key.slice(key.indexOf(':') + 1);
      const [t, c] = await Promise.all([timeline(id), listComments(id)]);
      const items: Item[] = [
        // The timeline records comments too; they are shown once, from the comments themselves.
        ...t.items.filter((e) => e.type !== 'comment').map((e) => ({ kind: 'event' as const, at: e.at, e })),
        ...c.items.map((c) => ({ kind: 'comment' as const, at: c.at, c })),
      ];
      return items.sort((a, b) => b.at.localeCompare(a.at));
    },
  );
  const [body, setBody] = createSignal('');
  const [error, setError] = createSignal<unknown>();

  async function submit(e: Event) {
    e.preventDefault();
    if (!body().trim()) return;
    setError(undefined);
    try {
      await addComment(props.accountId, body().trim());
      setBody('');
      void refetch();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Widget title="Activity" class="wide">
      <div class="stack">
        <Show when={canEdit()}>
          <form class="row" onSubmit={submit} style={{ 'align-items': 'flex-start' }}>
            <label class="sr-only" for="comment">
              Add a comment
            </label>
            <textarea
              id="comment"
              rows={2}
              style={{ flex: 1, 'min-height': '38px' }}
              placeholder="Add a comment for other admins…"
              value={body()}
              onInput={(e) => setBody(e.currentTarget.value)}
            />
            <button type="submit" class="btn" disabled={!body().trim()}>
              Comment
            </button>
          </form>
        </Show>
        <ErrorBanner error={error() ?? data.error} />
        <ul class="timeline" aria-label="Timeline">
          <For each={latest(data) ?? []} fallback={<li class="muted">Nothing happened yet.</li>}>
            {(it) =>
              it.kind === 'comment' ? (
                <li class="comment">
                  <div style={{ 'white-space': 'pre-wrap' }}>{it.c.body}</div>
                  <div class="meta" title={dateTime(it.at)}>
                    Comment by {it.c.author ?? 'someone'} · {relTime(it.at)}
                  </div>
                </li>
              ) : (
                <li>
                  <div>{it.e.summary}</div>
                  <div class="meta" title={dateTime(it.at)}>
                    {it.e.type.replace(/_/g, ' ')} · {it.e.actor ?? 'system'} · {relTime(it.at)}
                  </div>
                </li>
              )
            }
          </For>
        </ul>
      </div>
    </Widget>
  );
}
