import type { AccountView, OutgoingView } from '@mailroom/core/schemas';
import { createResource, createSignal, Show } from 'solid-js';
import { Widget } from '../../components/account/Widgets';
import { Badge } from '../../components/Badges';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Icon } from '../../components/Icon';
import { getVerification } from '../../lib/accounts';
import { dateTime } from '../../lib/format';
import { latest } from '../../lib/resource';
import { canEdit } from '../../lib/session';
import { pendingText, VerificationDialog, type VerificationStep } from './VerificationDialog';

/**
 * The account's verification: verified or not, and a code still waiting to be typed back, read from the API
 * so it survives a reload. "Enter code" while one waits; "Send verification code" otherwise.
 */
export function VerificationCard(props: {
  account: AccountView;
  outgoing: OutgoingView;
  /** Bumped by the page after any action, to read the state again. */
  version: number;
  /** A code was sent or confirmed: the page reloads the account, its activity and this card. */
  onChanged: () => void;
}) {
  const [state] = createResource(
    () => ({ id: props.account.id, v: props.version }),
    (k) => getVerification(k.id),
  );
  const [open, setOpen] = createSignal<VerificationStep | null>(null);
  const pending = () => latest(state)?.pending ?? null;
  const verifiedAt = () => latest(state)?.verifiedAt ?? props.outgoing.verifiedAt;
  const editable = () => canEdit() && props.account.stage === 'active';

  return (
    <>
      <Widget
        title="Verification"
        actions={
          <Show when={editable()}>
            <div class="actions">
              <Show when={pending()}>
                <button type="button" class="btn small primary" onClick={() => setOpen('enter')}>
                  Enter code
                </button>
              </Show>
              <button type="button" class="btn small" onClick={() => setOpen('send')}>
                <Icon name="shield" /> {pending() ? 'Send a new code' : 'Send verification code'}
              </button>
            </div>
          </Show>
        }
      >
        <div class="stack">
          <ErrorBanner error={state.error} title="Could not read the verification state" />
          <Show
            when={verifiedAt()}
            fallback={
              <Show when={!pending()}>
                <p class="muted" style={{ margin: 0 }}>
                  Not verified. Send a code through this account and type it back to prove it delivers.
                </p>
              </Show>
            }
          >
            <p style={{ margin: 0 }} class="row">
              <Badge tone="ok">Verified</Badge> <span class="muted">{dateTime(verifiedAt())}</span>
            </p>
          </Show>
          <Show when={pending()}>
            {(p) => (
              <p style={{ margin: 0 }} data-testid="verification-pending">
                <Badge tone="info">Code waiting</Badge> <span class="muted">{pendingText(p())}</span>
              </p>
            )}
          </Show>
        </div>
      </Widget>
      <VerificationDialog
        account={props.account}
        open={open() !== null}
        step={open() ?? 'send'}
        pending={pending()}
        onClose={() => setOpen(null)}
        onChanged={props.onChanged}
        onVerified={props.onChanged}
      />
    </>
  );
}
