import type { Security } from '@mailroom/core/schemas';
import { Segmented, TextField } from '../Field';

const securities = [
  { value: 'none', label: 'None' },
  { value: 'starttls', label: 'STARTTLS' },
  { value: 'tls', label: 'TLS (implicit)' },
] as const;

/** Host, security and port; the port box follows the security choice until the admin types one. */
export function ServerFields(props: {
  name: string;
  host: string;
  port: string;
  security: Security;
  allowInvalid: boolean;
  defaultPort: (s: Security) => number;
  onHost: (v: string) => void;
  onPort: (v: string) => void;
  onSecurity: (s: Security, port: string) => void;
  onAllowInvalid: (v: boolean) => void;
  err: (path: string) => string | undefined;
  prefix: string;
  /** An example host of this protocol (imap.example.com for IMAP); SMTP's by default. */
  hostPlaceholder?: string;
}) {
  const changeSecurity = (v: string) => {
    const s = v as Security;
    // An untouched port (blank or the old default) moves to the new default; a custom one stays.
    const follow = props.port === '' || props.port === String(props.defaultPort(props.security));
    props.onSecurity(s, follow ? String(props.defaultPort(s)) : props.port);
  };
  return (
    <>
      <TextField
        fieldClass="span2"
        label="Host"
        name={props.name + '-host'}
        placeholder={props.hostPlaceholder ?? 'smtp.example.com'}
        autocomplete="off"
        spellcheck={false}
        value={props.host}
        onValue={props.onHost}
        error={props.err(props.prefix + '.host')}
      />
      <Segmented
        legend="Security"
        name={props.name + '-security'}
        value={props.security}
        options={securities}
        onValue={changeSecurity}
        error={props.err(props.prefix + '.security')}
      />
      <TextField
        label="Port"
        name={props.name + '-port'}
        inputmode="numeric"
        placeholder={String(props.defaultPort(props.security))}
        help={`Default for this security: ${props.defaultPort(props.security)}`}
        value={props.port}
        onValue={props.onPort}
        error={props.err(props.prefix + '.port')}
      />
      <label class="check span2">
        <input
          type="checkbox"
          checked={props.allowInvalid}
          onChange={(e) => props.onAllowInvalid(e.currentTarget.checked)}
        />
        Accept invalid or self-signed certificates (test servers only)
      </label>
    </>
  );
}
