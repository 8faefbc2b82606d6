import { type Destination, resolveDestination } from '../../door/destination';
import type { StepRecorder } from '../runner';

/** Step "resolve": the addresses the host name has, each checked by the destination guard. */
export function resolveStep(
  steps: StepRecorder,
  host: string,
  opts: { allowPrivateHosts: boolean; timeoutMs: number },
): Promise<Destination> {
  return steps.run('resolve', async () => {
    const dest = await resolveDestination(host, opts);
    return { value: dest, detail: { host: dest.hostname, addresses: dest.addresses.map((a) => a.address) } };
  });
}
