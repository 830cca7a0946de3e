import type http from 'node:http';
import type express from 'express';
import { z } from 'zod';
import { sha256 } from '../audit/audit-event';
import { readJsonFile } from '../config/json-file';

/**
 * Persisted queries (ADR 007).
 *
 * - Automatic persisted queries (Apollo's APQ protocol): a client sends only the sha256 of its
 *   document; an unknown hash answers `PERSISTED_QUERY_NOT_FOUND` and the client resends the full
 *   document once. The documents live in a bounded, per-process cache (`BoundedDocumentCache`).
 * - Trusted documents (`TRUSTED_DOCUMENTS=enforce`): only operations registered for the calling
 *   partner app in `MASH_TRUSTED_DOCUMENTS_FILE` run; anything else is refused with
 *   `PERSISTED_QUERY_NOT_IN_LIST` (HTTP 400) before authentication, parsing or validation.
 */

/** The header naming the partner app (Apollo Client sends it when given `name`). */
export const CLIENT_NAME_HEADER = 'apollographql-client-name';

/** The code for a document that is not registered for the calling app (Apollo Router's name). */
export const NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * An LRU cache of query documents, bounded by entries and by characters, for Apollo's
 * `persistedQueries.cache` (KeyValueCache). Apollo's default shares one cache with other users.
 */
export class BoundedDocumentCache {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private chars = 0;

  constructor(
    readonly maxEntries = 1000,
    readonly maxChars = 5_000_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(key);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    if (value.length > this.maxChars) return;
    this.remove(key);
    const ttl = options?.ttl;
    this.entries.set(key, { value, expiresAt: ttl ? Date.now() + ttl * 1000 : Infinity });
    this.chars += value.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries && this.chars <= this.maxChars) break;
      this.remove(oldest);
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.remove(key);
  }

  private remove(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.chars -= entry.value.length;
    return this.entries.delete(key);
  }
}

/**
 * The manifest: per partner app (its client name), the operations it may run. Each app's entry has
 * the shape of Apollo's generated persisted-query manifest (`operations: [{ id, body, name? }]`), so
 * a partner's build output can be pasted under its name. `id` must be the sha256 of `body`.
 */
const manifestSchema = z.object({
  apps: z.record(
    z.string().min(1).max(100),
    z.object({
      operations: z.array(
        z.object({
          id: z.string().regex(SHA256_HEX, 'must be a lower-case sha256 hex digest'),
          body: z.string().min(1),
          name: z.string().optional(),
        }),
      ),
    }),
  ),
});

export class TrustedDocuments {
  private constructor(private readonly byApp: Map<string, Map<string, string>>) {}

  /** Reads and checks the manifest; a bad file or a wrong hash stops the hub naming the variable. */
  static load(file: string): TrustedDocuments {
    const variable = 'MASH_TRUSTED_DOCUMENTS_FILE';
    const parsed = manifestSchema.safeParse(readJsonFile(variable, file));
    if (!parsed.success) {
      throw new Error(`${variable}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const byApp = new Map<string, Map<string, string>>();
    for (const [app, { operations }] of Object.entries(parsed.data.apps)) {
      const documents = new Map<string, string>();
      for (const op of operations) {
        if (sha256(op.body) !== op.id)
          throw new Error(`${variable}: apps.${app}: operation ${op.id} is not the sha256 of its body`);
        documents.set(op.id, op.body);
      }
      byApp.set(app, documents);
    }
    return new TrustedDocuments(byApp);
  }

  /** The registered document for `app`, by hash; undefined when it is not registered for that app. */
  document(app: string | undefined, hash: string): string | undefined {
    return app === undefined ? undefined : this.byApp.get(app)?.get(hash);
  }

  /**
   * Resolves a GraphQL request to a registered document, or says why it is refused. The request
   * may carry the hash (`extensions.persistedQuery.sha256Hash`), the document (`query`), or both.
   */
  resolve(
    app: string | undefined,
    request: { query?: unknown; extensions?: unknown },
  ): { query: string } | { refused: string } {
    const pq = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
    const given = typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
    // graphql-ws requires a `query` string: an empty one means "by hash".
    const hash = typeof request.query === 'string' && request.query !== '' ? sha256(request.query) : given;
    if (hash === undefined || (given !== undefined && given !== hash))
      return { refused: 'Send a registered operation by its sha256 hash' };
    const query = this.document(app, hash);
    return query === undefined ? { refused: 'This operation is not registered for this app' } : { query };
  }
}

/** The calling app's name, from its header (one value, bounded), if any. */
export function clientNameOf(req: http.IncomingMessage): string | undefined {
  const v = req.headers[CLIENT_NAME_HEADER];
  return typeof v === 'string' && v.length > 0 && v.length <= 100 ? v : undefined;
}

export function refusal(message: string) {
  return { errors: [{ message, extensions: { code: NOT_IN_LIST } }] };
}

/**
 * Express middleware after the JSON body parser: in trusted-documents mode, replaces the request's
 * document with the registered one (dropping the APQ extension, so Apollo never registers
 * anything) or refuses the request (400) before it reaches authentication and parsing.
 */
export function trustedDocumentsMiddleware(trusted: TrustedDocuments): express.RequestHandler {
  return (req, res, next) => {
    const body = req.body as { query?: unknown; extensions?: Record<string, unknown> } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return next();
    const resolved = trusted.resolve(clientNameOf(req), body);
    if ('refused' in resolved) {
      res.status(400).json(refusal(resolved.refused));
      return;
    }
    const { persistedQuery: _pq, ...extensions } = body.extensions ?? {};
    req.body = { ...body, query: resolved.query, extensions };
    next();
  };
}
