import { type TransportKind, transportCatalog, transportKinds } from '@mailroom/core/schemas';
import { For } from 'solid-js';
import type { OutgoingDraft, TransportDraft } from '../../lib/accountDraft';
import { Field, Segmented, TextField } from '../Field';
import { DkimFields } from './DkimFields';
import { TransportFields } from './TransportFields';

/**
 * Everything about sending: the transport picks which fields appear (each transport declares its own).
 * A transport that runs something on the server (sendmail) is offered to admins only (a team admin sees
 * it only on an account an admin set up).
 */
export function OutgoingFields(props: {
  o: OutgoingDraft;
  isAdmin: boolean;
  set: <K extends keyof OutgoingDraft>(k: K, v: OutgoingDraft[K]) => void;
  /** Changes the draft of one transport (a Solid store `produce`). */
  updateTransport: (kind: TransportKind, change: (t: TransportDraft) => void) => void;
  err: (path: string) => string | undefined;
}) {
  const e = (k: string) => props.err('outgoing.' + k);
  const options = () =>
    transportKinds
      .filter((k) => props.isAdmin || !transportCatalog[k].adminOnly || props.o.transport === k)
      .map((k) => ({ value: k, label: transportCatalog[k].label }));
  return (
    <div class="grid2">
      <div class="span2">
        <Segmented
          legend="Transport"
          name="transport"
          value={props.o.transport}
          options={options()}
          onValue={(v) => props.set('transport', v as TransportKind)}
          error={e('transport')}
        />
      </div>
      <TransportFields
        kind={props.o.transport}
        t={props.o.kinds[props.o.transport]}
        isAdmin={props.isAdmin}
        update={(change) => props.updateTransport(props.o.transport, change)}
        err={props.err}
      />
      <TextField
        label="From address"
        name="from-address"
        type="email"
        placeholder="sales@example.com"
        value={props.o.fromAddress}
        onValue={(v) => props.set('fromAddress', v)}
        error={e('from.address')}
      />
      <TextField
        label="From name"
        name="from-name"
        placeholder="Sales"
        value={props.o.fromName}
        onValue={(v) => props.set('fromName', v)}
        error={e('from.name')}
      />
      <TextField
        label="Reply-To"
        type="email"
        value={props.o.replyTo}
        onValue={(v) => props.set('replyTo', v)}
        error={e('replyTo')}
      />
      <TextField
        label="Rate limit (messages / minute)"
        inputmode="numeric"
        value={props.o.rateLimitPerMinute}
        onValue={(v) => props.set('rateLimitPerMinute', v)}
        error={e('rateLimitPerMinute')}
        help="0 means unlimited."
      />
      <TextField
        label="Bounce address (VERP)"
        type="email"
        placeholder="bounces@example.com"
        value={props.o.bounceAddress}
        onValue={(v) => props.set('bounceAddress', v)}
        error={e('bounceAddress')}
        help={
          props.o.transport === 'mailgun'
            ? 'Not used with Mailgun: it sends from its own bounce domain.'
            : 'Empty: off. Set, each recipient goes in its own transaction from bounces+<token>@…, so a bounce names its message and recipient. Fetch this mailbox with an incoming account marked as a bounce mailbox.'
        }
      />
      <Field
        label="Send as (from filter)"
        class="span2"
        error={props.err('outgoing.fromFilter') ?? firstIndexed(props.err, 'outgoing.fromFilter')}
        help={
          <>
            Addresses or domains (example.com) this account sends as, one per line. They do two things: mail
            from them that names no account is routed here, and they are the only From this account may use
            besides its own address (empty: any From). What a From not on the list gets is chosen below;
            Defaults & routing explains any From before you send.
          </>
        }
      >
        {(a) => (
          <textarea
            {...a}
            rows={2}
            value={props.o.fromFilter}
            onInput={(ev) => props.set('fromFilter', ev.currentTarget.value)}
          />
        )}
      </Field>
      <fieldset class="field span2" aria-describedby="from-not-allowed-help">
        <legend>A From not on the Send-as list</legend>
        <div class="seg">
          <For each={fromNotAllowedOptions}>
            {(o) => (
              <label>
                <input
                  type="radio"
                  name="from-not-allowed"
                  value={o.value}
                  checked={props.o.fromNotAllowed === o.value}
                  onChange={() => props.set('fromNotAllowed', o.value)}
                />
                {o.label}
              </label>
            )}
          </For>
        </div>
        <span class="help" id="from-not-allowed-help">
          {props.o.fromNotAllowed === 'rewrite'
            ? `Sent from ${props.o.fromAddress || "this account's address"}, with the From asked for as Reply-To (its name is kept): replies still reach the sender.`
            : 'The send is refused (400 on from.address), with a hint.'}
        </span>
      </fieldset>
      <Segmented
        legend="Send mode"
        name="send-mode"
        value={props.o.sendMode}
        options={[
          { value: 'queued', label: 'Queued' },
          { value: 'immediate', label: 'Immediate' },
        ]}
        onValue={(v) => props.set('sendMode', v as OutgoingDraft['sendMode'])}
      />
      <DkimFields
        o={props.o}
        dkim={props.o.dkim}
        set={(k, v) => props.set('dkim', { ...props.o.dkim, [k]: v })}
        err={props.err}
      />
    </div>
  );
}

const fromNotAllowedOptions = [
  { value: 'refuse', label: 'Refuse the send' },
  { value: 'rewrite', label: "Send from this account's address" },
] as const;

/** fromFilter errors come per entry (`outgoing.fromFilter.2`); show the first under the box. */
function firstIndexed(err: (p: string) => string | undefined, base: string): string | undefined {
  for (let i = 0; i < 200; i++) {
    const m = err(`${base}.${i}`);
    if (m) return `Entry ${i + 1}: ${m}`;
  }
  return undefined;
}
