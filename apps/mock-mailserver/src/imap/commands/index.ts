import type { ImapCommand } from '../session.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { check } from './check.js';
import { close } from './close.js';
import { copy } from './copy.js';
import { create } from './create.js';
import { deleteCommand } from './delete.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { listCommand, lsub } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { move } from './move.js';
import { namespace } from './namespace.js';
import { noop } from './noop.js';
import { search } from './search.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { status } from './status.js';
import { store } from './store.js';
import { subscribe, unsubscribe } from './subscribe.js';
import { unselect } from './unselect.js';

/** Every command, by name; one module each (SELECT/EXAMINE, LIST/LSUB and (UN)SUBSCRIBE share theirs). */
export const COMMANDS: Record<string, ImapCommand> = {
  APPEND: append,
  AUTHENTICATE: authenticate,
  CAPABILITY: capability,
  CHECK: check,
  CLOSE: close,
  COPY: copy,
  CREATE: create,
  DELETE: deleteCommand,
  EXAMINE: examine,
  EXPUNGE: expunge,
  FETCH: fetch,
  ID: id,
  IDLE: idle,
  LIST: listCommand,
  LOGIN: login,
  LOGOUT: logout,
  LSUB: lsub,
  MOVE: move,
  NAMESPACE: namespace,
  NOOP: noop,
  SEARCH: search,
  SELECT: select,
  STARTTLS: starttls,
  STATUS: status,
  STORE: store,
  SUBSCRIBE: subscribe,
  UNSELECT: unselect,
  UNSUBSCRIBE: unsubscribe,
};

/** The commands that take a UID prefix (RFC 3501 6.4.8, UIDPLUS, MOVE). */
export const UID_COMMANDS = new Set(['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE']);
