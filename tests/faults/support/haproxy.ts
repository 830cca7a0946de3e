/**
 * A real load balancer for the fault suite: HAProxy from Debian's packages (`apt-get install -y
 * haproxy`; `.ci/run` installs it when missing; `HAPROXY=/path` to use another), run in the
 * foreground by the scenario with a generated configuration on free loopback ports. It health-checks
 * each hub's `/readyz` (a process that is not ready, or dead, leaves the rotation) and passes
 * graphql-ws upgrades through. Its statistics page (CSV) says what it thinks of each server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../src/db/admin';
import { sleep, type Exit } from './harness';

export function haproxyBinary(): string | null {
  const candidates = [process.env.HAPROXY, '/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'].filter(
    (c): c is string => !!c,
  );
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

export interface ServerState {
  name: string;
  /** HAProxy's status of the server: UP, DOWN, "UP 1/2" (going down), "DOWN 1/2" (coming up), … */
  status: string;
  /** Current sessions (a graphql-ws connection is one for as long as it is open). */
  sessions: number;
}

export class HaProxy {
  readonly logs: string[] = [];
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private constructor(
    private readonly proc: ChildProcess,
    readonly base: string,
    private readonly statsUrl: string,
    private readonly dir: string,
  ) {
    const keep = (chunk: Buffer) => this.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve((this.exit = { code, signal }))));
  }

  /** Balances round-robin over `servers` (`name` → `127.0.0.1:port`), checking `/readyz` every 500 ms. */
  static async start(servers: Array<{ name: string; port: number }>): Promise<HaProxy> {
    const binary = haproxyBinary();
    if (!binary) throw new Error('haproxy is not installed: apt-get install -y haproxy (or set HAPROXY=/path)');
    const [port, statsPort] = [await freePort(), await freePort()];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-fault-lb-'));
    const config = [
      'global',
      '  maxconn 4000',
      'defaults',
      '  mode http',
      '  timeout connect 2s',
      '  timeout client 60s',
      '  timeout server 60s',
      // A graphql-ws connection, once upgraded, is a tunnel.
      '  timeout tunnel 1h',
      // A dead process refuses at once; a busy one may take a while to answer /readyz and is not dead.
      '  timeout check 5s',
      // A connection refused (a dead process not yet marked down) is retried on another server.
      // Only connection failures are retried: a request a server may have started is never sent twice.
      '  retries 3',
      '  option redispatch 1',
      'frontend hub',
      `  bind 127.0.0.1:${port}`,
      '  default_backend hubs',
      'backend hubs',
      '  balance roundrobin',
      '  option httpchk GET /readyz',
      '  http-check expect status 200',
      '  default-server inter 500 fall 2 rise 2',
      ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check`),
      'listen stats',
      `  bind 127.0.0.1:${statsPort}`,
      '  stats enable',
      '  stats uri /stats',
      '',
    ].join('\n');
    const file = path.join(dir, 'haproxy.cfg');
    fs.writeFileSync(file, config);
    // -db: foreground, no daemon; -W would add a master process we would have to kill as well.
    const proc = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lb = new HaProxy(proc, `http://127.0.0.1:${port}`, `http://127.0.0.1:${statsPort}/stats;csv`, dir);
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      if (lb.exit) throw new Error(`haproxy exited ${JSON.stringify(lb.exit)}: ${lb.logs.slice(-5).join(' | ')}`);
      if ((await lb.servers().catch(() => null)) !== null) return lb;
      await sleep(100);
    }
    throw new Error(`haproxy did not start: ${lb.logs.slice(-5).join(' | ')}`);
  }

  /** What HAProxy thinks of each hub process now. */
  async servers(): Promise<ServerState[]> {
    const csv = await (await fetch(this.statsUrl, { signal: AbortSignal.timeout(5000) })).text();
    const [header, ...rows] = csv.trim().split('\n');
    const cols = header!.replace(/^# /, '').split(',');
    const at = (row: string[], name: string) => row[cols.indexOf(name)] ?? '';
    return rows
      .map((r) => r.split(','))
      .filter((r) => at(r, 'pxname') === 'hubs' && at(r, 'svname') !== 'BACKEND')
      .map((r) => ({ name: at(r, 'svname'), status: at(r, 'status'), sessions: Number(at(r, 'scur')) }));
  }

  /** Waits until `name`'s status is `status`; returns the milliseconds it took. */
  async waitForServer(name: string, status: 'UP' | 'DOWN', timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const s = (await this.servers().catch(() => [])).find((x) => x.name === name);
      if (s?.status === status) return Date.now() - t0;
      await sleep(100);
    }
    throw new Error(`haproxy did not see ${name} ${status} within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    if (!this.exit) {
      this.proc.kill('SIGTERM');
      await this.exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
