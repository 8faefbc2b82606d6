import { Match, Switch } from 'solid-js';
import type { AuthDraft, OutgoingDraft } from '../../lib/accountDraft';
import { defaultPort } from '../../lib/accountDraft';
import { Field, Segmented, TextField } from '../Field';
import { SecretField } from '../SecretField';
import { AuthFields } from './AuthFields';
import { ServerFields } from './ServerFields';

const transports = [
  { value: 'smtp', label: 'SMTP' },
  { value: 'sendmail', label: 'sendmail' },
  { value: 'mailgun', label: 'Mailgun API' },
] as const;

/**
 * Everything about sending: the transport picks which fields appear. sendmail runs a program on the
 * server, so only admins are offered it (a team admin sees it only on an account an admin set up).
 */
export function OutgoingFields(props: {
  o: OutgoingDraft;
  canChooseSendmail: boolean;
  set: <K extends keyof OutgoingDraft>(k: K, v: OutgoingDraft[K]) => void;
  setAuth: <K extends keyof AuthDraft>(k: K, v: AuthDraft[K]) => void;
  err: (path: string) => string | undefined;
}) {
  const e = (k: string) => props.err('outgoing.' + k);
  return (
    <div class="grid2">
      <div class="span2">
        <Segmented
          legend="Transport"
          name="transport"
          value={props.o.transport}
          options={
            props.canChooseSendmail || props.o.transport === 'sendmail'
              ? transports
              : transports.filter((t) => t.value !== 'sendmail')
          }
          onValue={(v) => props.set('transport', v as OutgoingDraft['transport'])}
          error={e('transport')}
        />
      </div>
      <Switch>
        <Match when={props.o.transport === 'smtp'}>
          <ServerFields
            name="out"
            prefix="outgoing"
            host={props.o.host}
            port={props.o.port}
            security={props.o.security}
            allowInvalid={props.o.allowInvalidCertificates}
            defaultPort={(s) => defaultPort('smtp', s)}
            onHost={(v) => props.set('host', v)}
            onPort={(v) => props.set('port', v)}
            onSecurity={(s, p) => {
              props.set('security', s);
              props.set('port', p);
            }}
            onAllowInvalid={(v) => props.set('allowInvalidCertificates', v)}
            err={props.err}
          />
          <AuthFields
            name="out"
            prefix="outgoing.auth"
            auth={props.o.auth}
            set={props.setAuth}
            err={props.err}
          />
        </Match>
        <Match when={props.o.transport === 'sendmail'}>
          <TextField
            fieldClass="span2"
            label="sendmail path"
            class="mono"
            value={props.o.path}
            onValue={(v) => props.set('path', v)}
            readOnly={!props.canChooseSendmail}
            error={e('path')}
            help="Only a program the operator allows (MAILROOM_SENDMAIL_PATHS) runs, as -i -f <from> -- <recipients>, with the message on standard input. Only admins choose it."
          />
        </Match>
        <Match when={props.o.transport === 'mailgun'}>
          <TextField
            label="Mailgun domain"
            placeholder="mg.example.com"
            value={props.o.domain}
            onValue={(v) => props.set('domain', v)}
            error={e('domain')}
          />
          <SecretField
            label="API key"
            secret={props.o.apiKey}
            onChange={(s) => props.set('apiKey', s)}
            error={e('apiKey')}
          />
          <TextField
            fieldClass="span2"
            label="API base URL"
            type="url"
            value={props.o.baseUrl}
            onValue={(v) => props.set('baseUrl', v)}
            error={e('baseUrl')}
            help="https://api.eu.mailgun.net for the EU region."
          />
        </Match>
      </Switch>
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
