// sendmail, server side: runs an operator-allowed program per message; only full admins choose it.
import { forbidden, MailroomError } from '../../errors';
import type { ServerTransport } from '../server';
import { testSendmail } from './connectionTest';
import { sendmailSettings } from './settings';
import { createSendmailTransport, sendmailPathProblem } from './transport';

export const sendmailTransport: ServerTransport<'sendmail'> = {
  settings: sendmailSettings,
  createTransport: async (s, deps) => createSendmailTransport(s, deps.sendmailPaths),
  test: (env, s) => testSendmail(env, s.path),
  // sendmail runs a program on this server: only full admins choose it, and only among the paths the
  // operator allowed. An unchanged choice may be kept by anyone who may edit the account.
  assertAllowed(ctx, next, previous) {
    if (previous?.path === next.path) return;
    if (ctx.actor.role !== 'admin') {
      throw forbidden('Only admins may choose the sendmail transport: it runs a program on the server');
    }
    const problem = sendmailPathProblem(next.path, ctx.config.sendmailPaths);
    if (problem) {
      throw new MailroomError('validation_failed', `outgoing.path ${problem}`, {
        errors: [{ path: 'outgoing.path', message: problem }],
      });
    }
  },
  wireSecrets: () => {},
  target: (s) => s.path,
};
