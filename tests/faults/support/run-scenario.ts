import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `tests/faults/support/<name>.scenario.ts` in its own process and returns its last JSON line. */
export async function runScenario<T = Record<string, unknown>>(name: string, timeoutMs = 170_000): Promise<T> {
  const script = path.join(__dirname, `${name}.scenario.ts`);
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, ['-r', 'ts-node/register/transpile-only', script], {
      cwd: path.join(__dirname, '..', '..', '..'),
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (e) {
    stdout = (e as { stdout?: string }).stdout ?? '';
    if (!stdout.trim()) throw e;
  }
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as T;
  // Figures for docs/reliability.md, visible in the test output.
  process.stdout.write(`${name}: ${JSON.stringify(result)}\n`);
  return result;
}
