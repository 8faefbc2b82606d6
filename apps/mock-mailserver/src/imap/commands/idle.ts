import { bad, type ImapCommand, ok } from '../session.js';

/**
 * IDLE (RFC 2177): while it lasts, new mail is told with EXISTS (and deletions with EXPUNGE)
 * the moment the store has it, over whichever protocol it came; DONE ends it.
 */
export const idle: ImapCommand = {
  states: ['authenticated', 'selected'],
  async run(session) {
    session.send('+ idling');
    session.idling = true;
    session.flush(true);
    const line = await session.readLine();
    session.idling = false;
    if (line === null) return undefined;
    return line.trim().toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('expected DONE');
  },
};
