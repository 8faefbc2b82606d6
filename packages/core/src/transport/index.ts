export { classifyDeliveryError, deliveryError } from './classify';
export { mailgunForm } from './mailgun';
export { closeTransports, configureSmtpPool, transportFor } from './pool';
export type { DeliveryError, MailTransport, OutgoingMail, RecipientOutcome, SendOutcome } from './types';
