import { failureTable, situationHints } from '../failures/table';
import { type ErrorClass, errorClasses } from '../schemas/connection';

/** The plain-language advice shown with each error class when nothing more specific is known (the one table's). */
export const defaultHints = Object.fromEntries(errorClasses.map((c) => [c, failureTable[c].hint])) as Record<
  ErrorClass,
  string
>;

/**
 * Advice when the server does not offer STARTTLS (or refuses it) while the account requires it: one text for
 * the connection test and for sends, so both say the same thing.
 */
export const starttlsMissingHint = situationHints.starttlsMissing;
