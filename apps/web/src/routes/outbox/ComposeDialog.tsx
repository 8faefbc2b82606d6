import { emailAddress, messageInputSchema, type RoutingExplain } from '@mailroom/core/schemas';
import { createEffect, createResource, createSignal, For, on, onCleanup, Show } from 'solid-js';
import { Badge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field, SelectField, TextField } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { allAccounts } from '../../lib/accountNames';
import { ApiError } from '../../lib/api';
import { explainRoute } from '../../lib/defaults';
import { apiErrors, type FieldErrors, focusFirstError, validate } from '../../lib/form';
import { sendMessage } from '../../lib/messages';
import { me, teams } from '../../lib/session';

const list = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** `to.2` → `to`: recipient errors show under the recipients box, naming the entry. */
function collapse(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [p, m] of Object.entries(errors)) {
    const mm = p.match(/^(to|cc|bcc)\.(\d+)$/);
    const key = mm ? mm[1]! : p;
    if (!(key in out)) out[key] = mm ? `Recipient ${Number(mm[2]) + 1}: ${m}` : m;
  }
  return out;
}

/** Write and send one message; routing picks the account unless the admin names one. */
export function ComposeDialog(props: { open: boolean; onClose: () => void; onSent: (id: string) => void }) {
  const [accountId, setAccountId] = createSignal('');
  const [from, setFrom] = createSignal('');
  const [to, setTo] = createSignal('');
  const [cc, setCc] = createSignal('');
  const [subject, setSubject] = createSignal('');
  const [text, setText] = createSignal('');
  const [mode, setMode] = createSignal('');
  // A team admin of several teams says which one a send is for (a send through a system-level account
  // needs it: the message is that team's, and only its people read it).
  const [teamId, setTeamId] = createSignal('');
  const myTeams = () => (me()?.user.role === 'team_admin' ? teams() : []);
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<unknown>();
  let key = crypto.randomUUID();
  let form: HTMLFormElement | undefined;

  const senders = () => allAccounts().filter((a) => a.stage === 'active' && a.outgoing);
  // What the send would do with this From, as the routing explanation (the send's own plan) says it:
  // asked once typing pauses, so the dialog shows a refusal before Send is pressed.
  const [probe, setProbe] = createSignal<{ from: string; accountId: string } | undefined>();
  createEffect(
    on([from, accountId, () => props.open], ([f, a, open]) => {
      if (!open) return;
      const typed = f.trim();
      if (typed && !emailAddress.safeParse(typed).success) return setProbe(undefined);
      const t = setTimeout(() => setProbe({ from: typed, accountId: a }), 350);
      onCleanup(() => clearTimeout(t));
    }),
  );
  const [plan] = createResource(probe, (p) => explainRoute(p.from, undefined, p.accountId || undefined));
  const mine = () => me()?.user.sendingAddress;

  async function submit(e: Event) {
    e.preventDefault();
    const body = {
      accountId: accountId() || undefined,
      from: from().trim() ? { address: from().trim() } : undefined,
      to: list(to()),
      cc: list(cc()),
      subject: subject(),
      text: text(),
      mode: (mode() || undefined) as 'immediate' | 'queued' | undefined,
      teamId: teamId() || undefined,
    };
    const v = validate(messageInputSchema, body);
    if (!v.ok) {
      setErrors(collapse(v.errors));
      focusFirstError(form);
      return;
    }
    setBusy(true);
    setErrors({});
    setFailure(undefined);
    try {
      const r = await sendMessage(body, key);
      key = crypto.randomUUID();
      // A queued send the worker took at once answers "sending": it is on its way, not waiting.
      toast(
        r.status === 'sending'
          ? 'Message is being sent'
          : r.status === 'partially_sent'
            ? 'Message partially sent: some recipients refused it'
            : `Message ${r.status}`,
        r.status === 'partially_sent' ? 'error' : undefined,
      );
      setTo('');
      setCc('');
      setSubject('');
      setText('');
      props.onSent(r.id);
    } catch (err) {
      // An immediate send the server refused still made a message (failed or deferred): show it.
      if (err instanceof ApiError && typeof err.raw.messageId === 'string') {
        key = crypto.randomUUID();
        toast(err.message, 'error');
        props.onSent(err.raw.messageId);
        return;
      }
      // Field errors go to their fields; anything else (no route, server down) to the banner with its hint.
      const fe = collapse(apiErrors(err));
      if ('' in fe) setFailure(err);
      else setErrors(fe);
      focusFirstError(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal wide open={props.open} onOpenChange={(o) => !o && props.onClose()} title="New message">
      <form ref={form} class="stack" novalidate onSubmit={submit}>
        <ErrorBanner error={failure()} title="The message was not sent" />
        <div class="grid2">
          <SelectField
            label="Send through"
            value={accountId()}
            onValue={setAccountId}
            options={[
              { value: '', label: 'Automatic (routing rules)' },
              ...senders().map((a) => ({ value: a.id, label: `${a.name} — ${a.outgoing?.from.address}` })),
            ]}
            error={errors().accountId}
          />
          <Show when={myTeams().length > 1}>
            <SelectField
              label="For team"
              value={teamId()}
              onValue={setTeamId}
              options={[
                { value: '', label: 'Choose a team' },
                ...myTeams().map((t) => ({ value: t.id, label: t.name })),
              ]}
              error={errors().teamId}
            />
          </Show>
          <TextField
            label="From (optional)"
            type="email"
            placeholder={mine() ? `${mine()} (your sending address)` : "Account's address"}
            value={from()}
            onValue={setFrom}
            error={errors()['from.address'] ?? errors().from}
          />
          <TextField
            fieldClass="span2"
            label="To"
            name="to"
            placeholder="someone@example.com, other@example.com"
            value={to()}
            onValue={setTo}
            error={errors().to}
          />
          <TextField fieldClass="span2" label="Cc" value={cc()} onValue={setCc} error={errors().cc} />
          <TextField
            fieldClass="span2"
            label="Subject"
            name="subject"
            value={subject()}
            onValue={setSubject}
            error={errors().subject}
          />
        </div>
        <Show when={!plan.error && plan()}>{(p) => <SendPlan plan={p()} />}</Show>
        <Field label="Message" error={errors().text}>
          {(a) => (
            <textarea
              {...a}
              name="text"
              rows={8}
              value={text()}
              onInput={(e) => setText(e.currentTarget.value)}
            />
          )}
        </Field>
        <div class="row" style={{ 'justify-content': 'space-between' }}>
          <label class="row">
            <span class="muted">Mode</span>
            <select style={{ width: 'auto' }} value={mode()} onChange={(e) => setMode(e.currentTarget.value)}>
              <option value="">Account's setting</option>
              <For each={['immediate', 'queued']}>
                {(m) => (
                  <option value={m}>
                    {m === 'immediate' ? 'Immediate (wait for the server)' : 'Queued'}
                  </option>
                )}
              </For>
            </select>
          </label>
          <div class="actions">
            <button type="button" class="btn ghost" onClick={props.onClose}>
              Cancel
            </button>
            <button type="submit" class="btn primary" disabled={busy()}>
              {busy() ? 'Sending…' : 'Send'}
            </button>
          </div>
        </div>
      </form>
    </Modal>
  );
}

/** One line under the From: which account, which From, and whether the send would be refused (with the hint). */
function SendPlan(props: { plan: RoutingExplain }) {
  const p = () => props.plan;
  const sa = () => p().sendAs;
  const label = { allowed: 'From allowed', rewritten: 'From rewritten', refused: 'From refused' } as const;
  const tone = { allowed: 'ok', rewritten: 'warn', refused: 'bad' } as const;
  return (
    <div class={`banner ${p().sendable ? 'info' : 'warn'}`} role="status" data-testid="send-plan">
      <div>
        <strong>
          <Show when={p().accountName} fallback="No account would send this message.">
            Through {p().accountName}
            <Show when={sa()?.from}>
              {(f) => (
                <>
                  {' '}
                  as {f().name ? `${f().name} <${f().address}>` : f().address}
                  {sa()?.replyTo ? `, Reply-To ${sa()?.replyTo}` : ''}
                </>
              )}
            </Show>{' '}
            <Show when={sa()}>{(s) => <Badge tone={tone[s().outcome]}>{label[s().outcome]}</Badge>}</Show>
          </Show>
        </strong>
        <p class="muted">{sa()?.detail ?? p().refusal?.message ?? p().explanation}</p>
        <Show when={p().refusal?.hint}>
          <p>{p().refusal?.hint}</p>
        </Show>
      </div>
    </div>
  );
}
