export { mailgunForm } from '../transports/mailgun/transport';
export { classifyDeliveryError, deliveryError } from './classify';
export { TransportPool, transportFor } from './pool';
export type { DeliveryError, MailTransport, OutgoingMail, RecipientOutcome, SendOutcome } from './types';
