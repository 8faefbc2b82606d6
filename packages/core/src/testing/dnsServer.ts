import dns2 from 'dns2';

const { Packet } = dns2;

export type Zone = Record<
  string,
  {
    A?: string[];
    MX?: Array<{ exchange: string; priority: number }>;
    SRV?: Array<{ target: string; port: number; priority?: number; weight?: number }>;
    /** One string a record; a string longer than 255 bytes is split as DNS requires. */
    TXT?: string[];
    /** Answer SERVFAIL for every question at this name. */
    fail?: true;
  }
>;

export type TestDnsServer = {
  /** `127.0.0.1:<port>`: a `MAILROOM_DNS_SERVERS` entry. */
  server: string;
  zone: Zone;
  /** Every question asked, `<TYPE> <name>`. */
  asked: string[];
  close(): Promise<void>;
};

const typeName = (t: number) => Object.entries(Packet.TYPE).find(([, v]) => v === t)?.[0] ?? String(t);

/** A local DNS server on 127.0.0.1 (UDP, port 0) answering from `zone`, which a test may change at any time. */
export async function startTestDnsServer(zone: Zone = {}): Promise<TestDnsServer> {
  const asked: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      const [q] = request.questions;
      if (!q) return send(response);
      const name = q.name.toLowerCase().replace(/\.$/, '');
      const type = typeName(q.type);
      asked.push(`${type} ${name}`);
      const entry = zone[name];
      if (entry?.fail) {
        response.header.rcode = Packet.RCODE.SERVFAIL;
        return send(response);
      }
      if (!entry) response.header.rcode = Packet.RCODE.NXDOMAIN;
      // dns2's types want a Resource instance; its encoder reads plain objects with these fields.
      const answers = response.answers as unknown as object[];
      const base = { name: q.name, class: Packet.CLASS.IN, ttl: 60 };
      if (type === 'A')
        for (const address of entry?.A ?? []) answers.push({ ...base, type: Packet.TYPE.A, address });
      if (type === 'MX')
        for (const mx of entry?.MX ?? []) answers.push({ ...base, type: Packet.TYPE.MX, ...mx });
      if (type === 'SRV') {
        for (const s of entry?.SRV ?? [])
          answers.push({ ...base, type: Packet.TYPE.SRV, priority: 0, weight: 0, ...s });
      }
      if (type === 'TXT') {
        for (const t of entry?.TXT ?? []) {
          const data = t.match(/.{1,255}/gs) ?? [''];
          answers.push({ ...base, type: Packet.TYPE.TXT, data });
        }
      }
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  const port = (addresses as { udp?: { port: number } }).udp?.port;
  if (!port) throw new Error('the test DNS server did not bind');
  return {
    server: `127.0.0.1:${port}`,
    zone,
    asked,
    async close() {
      await server.close();
    },
  };
}
