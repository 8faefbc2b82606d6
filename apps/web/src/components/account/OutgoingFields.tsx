import { type TransportKind, transportCatalog, transportKinds } from '@mailroom/core/schemas';
import type { OutgoingDraft, TransportDraft } from '../../lib/accountDraft';
import { Field, Segmented, TextField } from '../Field';
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
      <Field
        label="Send as (from filter)"
        class="span2"
        error={props.err('outgoing.fromFilter') ?? firstIndexed(props.err, 'outgoing.fromFilter')}
        help="Addresses or domains this account sends for, one per line. Routing picks it for mail from these."
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
    </div>
  );
}

/** fromFilter errors come per entry (`outgoing.fromFilter.2`); show the first under the box. */
function firstIndexed(err: (p: string) => string | undefined, base: string): string | undefined {
  for (let i = 0; i < 200; i++) {
    const m = err(`${base}.${i}`);
    if (m) return `Entry ${i + 1}: ${m}`;
  }
  return undefined;
}
