import type { Socket } from 'node:net';
import { startTls } from '../../door/tls';
import type { Endpoint, TestEnv } from '../env';
import { ConnectionFailure } from '../failure';
import { LineSocket } from '../lineSocket';
import { connectStep } from './connect';
import { resolveStep } from './resolve';

/** Steps resolve → connect (→ tls for implicit TLS): a line socket ready for the server's greeting. */
export async function openSession(env: TestEnv, ep: Endpoint): Promise<LineSocket> {
  const { timeouts, allowPrivateHosts } = env.config;
  const dest = await resolveStep(env.steps, ep.host, { allowPrivateHosts, timeoutMs: timeouts.connectMs });
  env.transcript.note(`connecting to ${dest.addresses.map((a) => a.address).join(', ')} port ${ep.port}`);
  const socket = await connectStep(env.steps, dest, ep.port, timeouts.connectMs);
  if (ep.security !== 'tls') return new LineSocket(socket, env.transcript);
  try {
    const secure = await env.steps.run('tls', async () => {
      const r = await startTls(socket, tlsOptions(env, ep)).catch(withMode('implicit'));
      return { value: r.socket, detail: { mode: 'implicit', ...r.detail } };
    });
    env.transcript.note(`TLS established (${secure.getProtocol()})`);
    env.encrypted = true;
    return new LineSocket(secure, env.transcript);
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/**
 * Step "tls" for STARTTLS/STLS: `begin` sends the protocol's command and checks its reply, then the
 * handshake runs on the same socket. Nothing after this is readable by the network.
 */
export async function upgradeSession(
  env: TestEnv,
  io: LineSocket,
  ep: Endpoint,
  begin: () => Promise<string>,
): Promise<void> {
  await env.steps.run('tls', async () => {
    const reply = await begin();
    const raw: Socket = io.detach();
    const r = await startTls(raw, tlsOptions(env, ep)).catch(withMode('starttls'));
    io.replace(r.socket);
    env.encrypted = true;
    env.transcript.note(`TLS established (${r.socket.getProtocol()})`);
    return { value: undefined, detail: { mode: 'starttls', reply, ...r.detail } };
  });
}

/** Keeps the TLS mode in the step's detail when the handshake or the certificate fails. */
function withMode(mode: 'implicit' | 'starttls') {
  return (err: unknown): never => {
    if (err instanceof ConnectionFailure)
      throw new ConnectionFailure(err.info, { cause: err, detail: { mode, ...err.detail } });
    throw err;
  };
}

function tlsOptions(env: TestEnv, ep: Endpoint) {
  return {
    hostname: ep.host,
    allowInvalidCertificates: ep.allowInvalidCertificates,
    timeoutMs: env.config.timeouts.commandMs,
    ...(env.ca ? { ca: env.ca } : {}),
  };
}
