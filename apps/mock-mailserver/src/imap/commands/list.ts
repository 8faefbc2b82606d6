import { string, utf8 } from '../encode.js';
import { text } from '../parser.js';
import { type ImapCommand, type ImapSession, ok } from '../session.js';

const DELIMITER = '/';

/** A LIST pattern as a regex: `*` matches anything, `%` anything but the delimiter. */
function patternRegex(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '%' ? '[^/]*' : c.replace(/[\\^$.|?+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function list(session: ImapSession, command: 'LIST' | 'LSUB', reference: string, pattern: string): void {
  if (pattern === '' && command === 'LIST') {
    // The hierarchy delimiter and root (RFC 3501 6.3.8).
    session.send(`* LIST (\\Noselect) "${DELIMITER}" ""`);
    return;
  }
  const regex = patternRegex(reference + pattern);
  const names = session.ctx.folders.list(session.login);
  for (const name of names) {
    // INBOX matches in any case.
    const matches = regex.test(name) || (name === 'INBOX' && new RegExp(regex.source, 'i').test(name));
    if (!matches) continue;
    const children = names.some((other) => other.startsWith(`${name}${DELIMITER}`));
    session.send(
      `* ${command} (${children ? '\\HasChildren' : '\\HasNoChildren'}) "${DELIMITER}" ${string(utf8(name))}`,
    );
  }
}

/** LIST (RFC 3501 6.3.8): INBOX and the login's other folders, `/` between levels. */
export const listCommand: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session, _tag, args) {
    list(session, 'LIST', text(args[0], 'reference'), text(args[1], 'mailbox pattern'));
    return ok('LIST completed');
  },
};

/** LSUB (RFC 3501 6.3.9): every folder counts as subscribed. */
export const lsub: ImapCommand = {
  states: ['authenticated', 'selected'],
  run(session, _tag, args) {
    list(session, 'LSUB', text(args[0], 'reference'), text(args[1], 'mailbox pattern'));
    return ok('LSUB completed');
  },
};
