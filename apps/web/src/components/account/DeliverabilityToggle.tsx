import { checkDeliverability, setCheckDeliverability } from '../../lib/deliverability';

/** "Also check deliverability": the outgoing test ends with SPF, DKIM, DMARC and alignment of the From domain. */
export function DeliverabilityToggle() {
  return (
    <label class="check" title="Looks up the From domain's SPF, DKIM and DMARC records in DNS">
      <input
        type="checkbox"
        name="check-deliverability"
        checked={checkDeliverability()}
        onChange={(ev) => setCheckDeliverability(ev.currentTarget.checked)}
      />
      Outgoing: also check deliverability (SPF, DKIM, DMARC)
    </label>
  );
}
