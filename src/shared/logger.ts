import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Never log personal data: log ids, codes and counts. The redact list is a
 * second line of defence for fields that must never reach a log even by mistake.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(options(level), destination) : pino(options(level));
}

/**
 * For commands whose standard output is their result (an anchor, an export, a report): logs go to
 * stderr, and the default level `info` is lowered to `warn` (a command prints its result, not its
 * progress; LOG_LEVEL=debug still asks for more).
 */
export function createCommandLogger(level: string): Logger {
  return pino(options(level === 'info' ? 'warn' : level), pino.destination(2));
}

function options(level: string): pino.LoggerOptions {
  return {
    level,
    base: { service: 'mash-hub' },
    redact: {
      paths: ['req.headers.authorization', 'authorization', 'token', '*.password', 'variables', '*.variables'],
      censor: '[redacted]',
    },
  };
}
