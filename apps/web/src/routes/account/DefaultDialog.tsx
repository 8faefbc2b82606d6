import type { AccountView, Direction } from '@mailroom/core/schemas';
import { createEffect, createSignal, For, on, Show } from 'solid-js';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Modal } from '../../components/Modal';
import { toast } from '../../components/Toasts';
import { directionsOf } from '../../lib/accounts';
import { ApiError } from '../../lib/api';
import { defaultOf, listDefaults, setDefault } from '../../lib/defaults';
import { teamName } from '../../lib/session';

/** Make the account the default of the system or its team; asks before replacing another default. */
export function DefaultDialog(props: {
  account: AccountView;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const [scope, setScope] = createSignal<'system' | 'team'>('system');
  const [direction, setDirection] = createSignal<Direction>('outgoing');
  const [conflict, setConflict] = createSignal<string | null>(null);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const teamId = () => (scope() === 'team' ? props.account.teamId : null);
  const dirs = () => directionsOf(props.account);
  // An incoming-only account starts on "incoming": never offer a direction it does not have.
  createEffect(
    on(
      () => props.open,
      (open) => open && setDirection(dirs()[0] ?? 'outgoing'),
    ),
  );

  const close = () => {
    setConflict(null);
    setError(undefined);
    props.onClose();
  };

  async function submit(replace: boolean) {
    setBusy(true);
    setError(undefined);
    try {
      await setDefault({ teamId: teamId(), direction: direction(), accountId: props.account.id, replace });
      toast(`“${props.account.name}” is the ${direction()} default for ${teamName(teamId())}`);
      close();
      props.onDone();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.code === 'default_exists') {
        // Name the account being replaced so the admin knows what they are giving up: the 409 names
        // it; older servers did not, so ask the defaults list then.
        const named = err.raw.currentAccountName;
        const current =
          typeof named === 'string'
            ? named
            : await listDefaults()
                .then((r) => defaultOf(r.items, teamId(), direction())?.accountName)
                .catch(() => undefined);
        setConflict(current ?? 'the current default');
      } else setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      open={props.open}
      onOpenChange={(o) => !o && close()}
      title="Make default"
      description="Mail that names no account goes through the default of its scope."
    >
      <ErrorBanner error={error()} />
      <Show
        when={conflict()}
        fallback={
          <form
            class="stack"
            onSubmit={(e) => {
              e.preventDefault();
              void submit(false);
            }}
          >
            <fieldset class="field">
              <legend>Scope</legend>
              <label class="check">
                <input
                  type="radio"
                  name="scope"
                  checked={scope() === 'system'}
                  onChange={() => setScope('system')}
                />{' '}
                System default
              </label>
              <Show when={props.account.teamId}>
                <label class="check">
                  <input
                    type="radio"
                    name="scope"
                    checked={scope() === 'team'}
                    onChange={() => setScope('team')}
                  />{' '}
                  Default of team {teamName(props.account.teamId)}
                </label>
              </Show>
            </fieldset>
            <fieldset class="field">
              <legend>Direction</legend>
              <For each={dirs()}>
                {(d) => (
                  <label class="check">
                    <input
                      type="radio"
                      name="direction"
                      checked={direction() === d}
                      onChange={() => setDirection(d)}
                    />{' '}
                    {d === 'outgoing' ? 'Outgoing (sending)' : 'Incoming (fetching)'}
                  </label>
                )}
              </For>
            </fieldset>
            <div class="actions" style={{ 'justify-content': 'flex-end' }}>
              <button type="button" class="btn ghost" onClick={close}>
                Cancel
              </button>
              <button type="submit" class="btn primary" disabled={busy() || props.account.stage !== 'active'}>
                Make default
              </button>
            </div>
          </form>
        }
      >
        <div class="stack">
          <p style={{ margin: 0 }}>
            <strong>Replace {conflict()} as default?</strong> {conflict()} is the {direction()} default for{' '}
            {teamName(teamId())}; “{props.account.name}” will take its place.
          </p>
          <div class="actions" style={{ 'justify-content': 'flex-end' }}>
            <button type="button" class="btn ghost" onClick={() => setConflict(null)}>
              Keep {conflict()}
            </button>
            <button type="button" class="btn primary" disabled={busy()} onClick={() => submit(true)}>
              Replace
            </button>
          </div>
        </div>
      </Show>
    </Modal>
  );
}
