import fs from 'node:fs';

/** Reads a JSON configuration file; failures name the variable that pointed at it. */
export function readJsonFile(variable: string, file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${variable}: cannot read ${file} as JSON (${(e as Error).message})`, { cause: e });
  }
}

const cache = new Map<string, unknown>();

/** A settings file read and validated once per process (keyed by variable and path). */
export function cachedSettingsFile<T>(variable: string, file: string, parse: (raw: unknown) => T): T {
  const key = `${variable}\u0000${file}`;
  if (!cache.has(key)) cache.set(key, parse(readJsonFile(variable, file)));
  return cache.get(key) as T;
}
