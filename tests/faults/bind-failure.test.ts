import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue 17: a hub that cannot bind its port logged EADDRINUSE and kept running with its embedded
 * PostgreSQL, while another process answered /readyz on that port. It must stop its database and
 * exit non-zero with a clear message. A real hub process (`src/main.ts`, embedded PostgreSQL in a
 * data folder of its own) is started on a port another process holds.
 */

const ROOT = path.join(__dirname, '..', '..');

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('fault: the hub’s port is taken', () => {
  it('given another process on the port, when the hub starts with its embedded PostgreSQL, then it says so, stops its database and exits non-zero', async () => {
    const squatter = net.createServer((s) => {
      s.on('error', () => undefined);
      s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const port = (squatter.address() as net.AddressInfo).port;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mash-bind-'));
    try {
      const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'development',
          PORT: String(port),
          HOST: '127.0.0.1',
          MASH_DATA_DIR: dataDir,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const timer = setTimeout(() => proc.kill('SIGKILL'), 150_000);
        proc.once('exit', (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });

      expect(exit.signal).toBeNull(); // exited by itself, not killed by the timeout
      expect(exit.code).not.toBe(0);
      expect(stderr).toContain(
        `cannot listen on 127.0.0.1:${port}: the address is in use by another process (EADDRINUSE)`,
      );
      // Its embedded PostgreSQL had started, and is stopped: no server process, nothing on its port.
      const started = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; port?: number })
        .find((l) => l.msg === 'embedded PostgreSQL started');
      expect(started?.port).toEqual(expect.any(Number));
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
      expect(await accepts(started!.port!)).toBe(false);
      // The other process still holds the port.
      expect(await accepts(port)).toBe(true);
    } finally {
      // Had the hub left its PostgreSQL running (the fault), do not leave it behind the test.
      const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
      if (fs.existsSync(pidFile)) process.kill(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGTERM');
      await new Promise((r) => squatter.close(r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
