import { Dialog } from '@kobalte/core/dialog';
import { createComputed, type JSX, on, onCleanup } from 'solid-js';
import { Icon } from './Icon';

type ModalProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: JSX.Element;
  children?: JSX.Element;
  footer?: JSX.Element;
  wide?: boolean;
  /** A side drawer instead of a centred dialog (logs, outbox details). */
  drawer?: boolean;
};

/** Kobalte's Dialog with our look: focus is trapped, Escape closes, focus returns to the trigger. */
export function Modal(props: ModalProps) {
  // These dialogs are opened by state, not by a Dialog.Trigger, so remember what had focus
  // (computed before the dialog mounts and steals it) and give it back on close.
  let returnTo: HTMLElement | null = null;
  createComputed(
    on(
      () => props.open,
      (open, wasOpen) => {
        if (open) returnTo = document.activeElement as HTMLElement | null;
        else if (wasOpen && returnTo) {
          const el = returnTo;
          returnTo = null;
          // After Kobalte's own unmount handling, which would leave focus on <body>.
          setTimeout(() => {
            if (document.activeElement?.closest('[role="dialog"]')) return;
            // The trigger may be gone (e.g. "Deactivate" after deactivating): fall back to the content.
            if (el.isConnected) el.focus();
            else document.getElementById('main')?.focus();
          });
        }
      },
    ),
  );
  // When the focused control disappears (a step of the dialog replaces it), the browser drops
  // focus on <body>, where Escape and Tab no longer reach the dialog. Put it back on the dialog.
  let observer: MutationObserver | undefined;
  const keepFocus = (content: HTMLElement) => {
    observer?.disconnect();
    observer = new MutationObserver(() => {
      const active = document.activeElement;
      if (content.isConnected && (!active || active === document.body)) content.focus();
    });
    observer.observe(content, { childList: true, subtree: true });
  };
  onCleanup(() => observer?.disconnect());
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay class="overlay" />
        <div class={props.drawer ? 'drawer-pos' : 'dialog-pos'}>
          <Dialog.Content
            class={props.drawer ? 'drawer' : `dialog ${props.wide ? 'wide' : ''}`}
            onCloseAutoFocus={(e) => e.preventDefault()}
            ref={keepFocus}
          >
            <header>
              <Dialog.Title as="h2">{props.title}</Dialog.Title>
              <Dialog.CloseButton class="btn ghost icon" aria-label="Close">
                <Icon name="x" />
              </Dialog.CloseButton>
            </header>
            <div class="body">
              {props.description ? (
                <Dialog.Description class="desc">{props.description}</Dialog.Description>
              ) : null}
              {props.children}
            </div>
            {props.footer ? <footer>{props.footer}</footer> : null}
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
