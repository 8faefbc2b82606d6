// Whether the outgoing connection test also runs the deliverability check (SPF, DKIM, DMARC, alignment):
// one choice for the account form and the details page, remembered in this browser.
import { createSignal } from 'solid-js';

const KEY = 'mailroom.testDeliverability';
const stored = () => {
  try {
    return globalThis.localStorage?.getItem(KEY) === '1';
  } catch {
    return false;
  }
};

const [checkDeliverability, setSignal] = createSignal(stored());

export { checkDeliverability };

export function setCheckDeliverability(on: boolean): void {
  setSignal(on);
  try {
    globalThis.localStorage?.setItem(KEY, on ? '1' : '0');
  } catch {
    // Private mode: the choice lasts for this page.
  }
}

/** The test request's option: only outgoing tests check deliverability. */
export const deliverabilityOption = (direction: string) =>
  direction === 'outgoing' && checkDeliverability() ? { deliverability: true } : {};
