import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('PostgreSQL restarted under a running hub', () => {
  it('given a hub on the embedded PostgreSQL (serving as mash_app), when its PostgreSQL stops and starts again, then the hub stays up, is not ready while it is away, and serves again after', async () => {
    const script = path.join(__dirname, 'support', 'pg-restart-scenario.ts');
    const { stdout } = await run(
      process.execPath,
      [require.resolve('ts-node/dist/bin.js'), '--transpile-only', script],
      {
        cwd: path.join(__dirname, '..'),
        timeout: 90_000,
      },
    );
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen).toEqual({
      serving: { role: 'mash_app', passwordFileMode: '600' },
      before: { ready: 200, query: { status: 200, code: null, data: true } },
      // Liveness stays OK; readiness is false; requests fail cleanly (503, retryable code, no data) rather than crash.
      down: { live: 200, ready: 503, query: { status: 503, code: 'SERVICE_UNAVAILABLE', data: false } },
      after: { ready: 200, query: { status: 200, code: null, data: true } },
    });
  }, 120_000);
});
