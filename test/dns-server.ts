/**
 * A real DNS server on loopback UDP for tests: answers TXT queries from a table (DMARC, DKIM and
 * SPF records of test domains), SERVFAIL for the names in `servfail` (a broken DNS server) and
 * NXDOMAIN for everything else, so sender authentication runs
 * through the same resolver code (DNS_SERVERS) as in production, with no outside network.
 */
import dgram from 'node:dgram';

export interface TestDns {
  /** "127.0.0.1:<port>", for DNS_SERVERS. */
  address: string;
  records: Map<string, string[]>;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i]! > 0) {
    const len = msg[i]!;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), next: i + 1 };
}

function txtRdata(value: string): Buffer {
  const parts: Buffer[] = [];
  const bytes = Buffer.from(value, 'utf8');
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

export async function startTestDns(records: Record<string, string | string[]> = {}, servfail: string[] = []): Promise<TestDns> {
  const failing = new Set(servfail.map((n) => n.toLowerCase()));
  const table = new Map(Object.entries(records).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v : [v]]));
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (msg.length < 12) return;
    const { name, next } = readName(msg, 12);
    const qtype = msg.readUInt16BE(next);
    const question = msg.subarray(12, next + 4);
    const broken = failing.has(name);
    const values = qtype === 16 && !broken ? table.get(name) : undefined;
    const known = [...table.keys()].some((k) => k === name);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0);
    header.writeUInt16BE(0x8180 | (broken ? 2 : known ? 0 : 3), 2); // response, recursion desired + available; rcode 2 = SERVFAIL, 3 = NXDOMAIN
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(values?.length ?? 0, 6);
    const answers = (values ?? []).map((v) => {
      const rdata = txtRdata(v);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0);
      rr.writeUInt16BE(16, 2);
      rr.writeUInt16BE(1, 4);
      rr.writeUInt32BE(60, 6);
      rr.writeUInt16BE(rdata.length, 10);
      return Buffer.concat([rr, rdata]);
    });
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    records: table,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
