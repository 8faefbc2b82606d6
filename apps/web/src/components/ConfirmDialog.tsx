import { Modal } from './Modal';

/**
 * Asks before a destructive action on a row: “Keep it” closes, the danger button closes and acts.
 * Open while `subject` is set (the row it is about).
 */
export function ConfirmDialog<T>(props: {
  subject: T | null;
  title: (subject: T) => string;
  description: string;
  confirmLabel: string;
  onConfirm: (subject: T) => void;
  onClose: () => void;
}) {
  const confirm = () => {
    const s = props.subject;
    props.onClose();
    if (s !== null) props.onConfirm(s);
  };
  return (
    <Modal
      open={props.subject !== null}
      onOpenChange={(o) => !o && props.onClose()}
      title={props.subject !== null ? props.title(props.subject) : ''}
      description={props.description}
      footer={
        <>
          <button type="button" class="btn" onClick={() => props.onClose()}>
            Keep it
          </button>
          <button type="button" class="btn danger" onClick={confirm}>
            {props.confirmLabel}
          </button>
        </>
      }
    />
  );
}
