import { Show } from 'solid-js';
import type { AuthDraft, IncomingDraft } from '../../lib/accountDraft';
import { defaultPort } from '../../lib/accountDraft';
import { afterFetchOptions } from '../../lib/labels';
import { Segmented, SelectField, TextField } from '../Field';
import { AuthFields } from './AuthFields';
import { ServerFields } from './ServerFields';

/** Everything about fetching: IMAP or POP3, where, and what to do with fetched mail. */
export function IncomingFields(props: {
  i: IncomingDraft;
  set: <K extends keyof IncomingDraft>(k: K, v: IncomingDraft[K]) => void;
  setAuth: <K extends keyof AuthDraft>(k: K, v: AuthDraft[K]) => void;
  err: (path: string) => string | undefined;
}) {
  const e = (k: string) => props.err('incoming.' + k);
  const changeProtocol = (v: string) => {
    const p = v as IncomingDraft['protocol'];
    const follow =
      props.i.port === '' || props.i.port === String(defaultPort(props.i.protocol, props.i.security));
    props.set('protocol', p);
    if (follow) props.set('port', String(defaultPort(p, props.i.security)));
    // POP3 has no flags to mark a message read with: keep it instead.
    if (p === 'pop3' && props.i.afterFetch === 'mark_seen') props.set('afterFetch', 'keep');
  };
  return (
    <div class="grid2">
      <div class="span2">
        <Segmented
          legend="Protocol"
          name="protocol"
          value={props.i.protocol}
          options={[
            { value: 'imap', label: 'IMAP' },
            { value: 'pop3', label: 'POP3' },
          ]}
          onValue={changeProtocol}
        />
      </div>
      <ServerFields
        name="in"
        prefix="incoming"
        hostPlaceholder={props.i.protocol === 'pop3' ? 'pop.example.com' : 'imap.example.com'}
        host={props.i.host}
        port={props.i.port}
        security={props.i.security}
        allowInvalid={props.i.allowInvalidCertificates}
        defaultPort={(s) => defaultPort(props.i.protocol, s)}
        onHost={(v) => props.set('host', v)}
        onPort={(v) => props.set('port', v)}
        onSecurity={(s, p) => {
          props.set('security', s);
          props.set('port', p);
        }}
        onAllowInvalid={(v) => props.set('allowInvalidCertificates', v)}
        err={props.err}
      />
      <AuthFields name="in" prefix="incoming.auth" auth={props.i.auth} set={props.setAuth} err={props.err} />
      <Show when={props.i.protocol === 'imap'}>
        <TextField
          label="Mailbox"
          value={props.i.mailbox}
          onValue={(v) => props.set('mailbox', v)}
          error={e('mailbox')}
        />
      </Show>
      <TextField
        label="Poll every (seconds)"
        inputmode="numeric"
        value={props.i.pollIntervalSec}
        onValue={(v) => props.set('pollIntervalSec', v)}
        error={e('pollIntervalSec')}
      />
      <SelectField
        label="After fetching"
        value={props.i.afterFetch}
        onValue={(v) => props.set('afterFetch', v as IncomingDraft['afterFetch'])}
        options={afterFetchOptions(props.i.protocol)}
        error={e('afterFetch')}
      />
      <label class="check span2">
        <input
          type="checkbox"
          checked={props.i.fetchEnabled}
          onChange={(ev) => props.set('fetchEnabled', ev.currentTarget.checked)}
        />
        Fetch automatically
      </label>
      <label class="check span2">
        <input
          type="checkbox"
          checked={props.i.bounceMailbox}
          onChange={(ev) => props.set('bounceMailbox', ev.currentTarget.checked)}
        />
        Bounce mailbox: read bounces, complaints and auto-replies from it (other mail still goes to the inbox)
      </label>
    </div>
  );
}
