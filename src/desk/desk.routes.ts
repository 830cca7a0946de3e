import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { AgencyDirectory } from '../auth/agencies';
import { signDevToken } from '../auth/authenticator';
import type { AgencyKind, Role } from '../access-policy/vocabulary';
import type { Config } from '../config';
import type { Logger } from '../shared/logger';

/**
 * MASH Desk (ADR 009): the hub serves the desk's static files, and in development the offline
 * explorer. The desk talks to the hub only through /graphql and graphql-ws, like any partner app.
 * The one exception is the development sign-in, which mints a development token for a demo user:
 * it exists only while development authentication is on, and answers 404 otherwise (production
 * refuses development authentication altogether, src/config).
 */

/** The repository (or image) root: the folder holding package.json, from src/ and from dist/src/ alike. */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('MASH Desk: cannot find the project root (package.json)');
  }
}

const ROOT = projectRoot(__dirname);
const DESK = path.join(ROOT, 'desk');
const BUILD = path.join(DESK, 'build');
const MODULES = path.join(ROOT, 'node_modules');

/** Bare module names the desk imports, mapped to files the hub serves from node_modules. */
const VENDOR: Record<string, { url: string; file: string }> = {
  preact: { url: '/desk/vendor/preact/preact.mjs', file: 'preact/dist/preact.mjs' },
  'preact/hooks': { url: '/desk/vendor/preact/hooks.mjs', file: 'preact/hooks/dist/hooks.mjs' },
  'preact/jsx-runtime': { url: '/desk/vendor/preact/jsx-runtime.mjs', file: 'preact/jsx-runtime/dist/jsxRuntime.mjs' },
  // OpenID Connect sign-in (ADR 026): one ES module, no dependencies.
  oauth4webapi: { url: '/desk/vendor/oauth4webapi/index.js', file: 'oauth4webapi/build/index.js' },
};
/** graphql-ws's browser client and its shared chunk (whose file name carries a content hash). */
const GRAPHQL_WS_DIST = path.join(MODULES, 'graphql-ws', 'dist');

/** The development explorer's files (devDependencies; absent from a production install). */
const EXPLORER: Record<string, string> = {
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
};

/** The demo users offered on the development sign-in page, one per role the desk serves. */
const DEMO_USERS: ReadonlyArray<{ id: string; name: string; kind: AgencyKind; role: Role }> = [
  { id: 'sw-1', name: 'Sam Worker (fictional)', kind: 'SOCIAL_CARE', role: 'MASH_SOCIAL_WORKER' },
  { id: 'manager-1', name: 'Pat Manager (fictional)', kind: 'SOCIAL_CARE', role: 'MASH_MANAGER' },
  { id: 'pc-101', name: 'PC Example (fictional)', kind: 'POLICE', role: 'POLICE_MASH_OFFICER' },
  { id: 'hv-1', name: 'Hali Visitor (fictional)', kind: 'HEALTH', role: 'HEALTH_MASH_PRACTITIONER' },
  { id: 'po-1', name: 'Pip Officer (fictional)', kind: 'PROBATION', role: 'PROBATION_MASH_OFFICER' },
  { id: 'dsl-1', name: 'Dee Lead (fictional)', kind: 'EDUCATION', role: 'EDUCATION_MASH_OFFICER' },
  { id: 'ig-1', name: 'Ira Auditor (fictional)', kind: 'SOCIAL_CARE', role: 'IG_AUDITOR' },
  { id: 'lado-1', name: 'Lee Designated (fictional LADO)', kind: 'SOCIAL_CARE', role: 'LADO' },
];

export interface DemoUser {
  id: string;
  name: string;
  agency: string;
  role: Role;
}

/** The demo users this partnership can sign in as: each with the first agency of its kind. */
export function demoUsers(agencies: AgencyDirectory): DemoUser[] {
  return DEMO_USERS.flatMap((u) => {
    const agency = agencies.list().find((a) => a.kind === u.kind);
    return agency ? [{ id: u.id, name: u.name, agency: agency.code, role: u.role }] : [];
  });
}

export function devSignInEnabled(config: Config): boolean {
  return config.auth.mode === 'development' && config.env !== 'production';
}

/** The explorer needs introspection, which production switches off; it is never served there. */
export function explorerEnabled(config: Config): boolean {
  return (
    config.env !== 'production' &&
    config.introspection &&
    fs.existsSync(path.join(MODULES, EXPLORER['graphiql.min.js']!))
  );
}

/**
 * GraphiQL and CodeMirror position their panes with inline style attributes, and one of GraphiQL's
 * components adds a <style> element: the explorer page (development only) allows inline styles;
 * scripts stay 'self' only. The desk's own pages keep style-src 'self'.
 */
export function explorerContentSecurityPolicy(): string {
  return contentSecurityPolicy(null)
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("font-src 'self'", "font-src 'self' data:");
}

/** The import map, inlined in the page and allowed by its hash (an import map is data, not code). */
function importMap(): string {
  const imports: Record<string, string> = Object.fromEntries(Object.entries(VENDOR).map(([name, v]) => [name, v.url]));
  imports['graphql-ws'] = '/desk/vendor/graphql-ws/client.js';
  return JSON.stringify({ imports });
}

/**
 * @param connectOrigins origins the desk's scripts may call besides the hub: the identity
 *   provider's (discovery and token requests, ADR 026), nothing else.
 */
export function contentSecurityPolicy(importMapHash: string | null, connectOrigins: string[] = []): string {
  return [
    "default-src 'none'",
    importMapHash ? `script-src 'self' '${importMapHash}'` : "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // 'self' covers the same-origin WebSocket (CSP Level 3).
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The security headers every desk response carries. */
function deskHeaders(csp: string): express.RequestHandler {
  return (_req, res, next) => {
    res.setHeader('content-security-policy', csp);
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
    res.setHeader('cache-control', 'no-store');
    next();
  };
}

const staticOptions = { index: false, dotfiles: 'deny', fallthrough: false, redirect: false } as const;

/** Mounts the desk: `/` (the page), `/desk/*` (its files), `/desk/dev/*` (development sign-in). */
export function mountDesk(
  app: express.Express,
  deps: { config: Config; agencies: AgencyDirectory; logger: Logger },
): void {
  const { config, agencies, logger } = deps;
  const map = importMap();
  const hash = `sha256-${crypto.createHash('sha256').update(map).digest('base64')}`;
  const page = fs
    .readFileSync(path.join(DESK, 'index.html'), 'utf8')
    .replace('<!--IMPORT_MAP-->', `<script type="importmap">${map}</script>`);
  if (!fs.existsSync(path.join(BUILD, 'main.js'))) {
    logger.warn('MASH Desk is not built: run `npm run desk:build` (npm start does it)');
  }
  const oidc = config.deskOidc;
  const headers = deskHeaders(contentSecurityPolicy(hash, oidc ? [new URL(oidc.issuer).origin] : []));

  app.get('/', headers, (_req, res) => {
    res.type('html').send(page);
  });
  app.use('/desk', headers);
  app.get('/desk/desk.css', (_req, res) => res.sendFile(path.join(DESK, 'desk.css')));
  for (const v of Object.values(VENDOR)) {
    app.get(v.url, (_req, res) => res.type('text/javascript').sendFile(path.join(MODULES, v.file)));
  }
  app.use('/desk/vendor/graphql-ws', onlyScripts, express.static(GRAPHQL_WS_DIST, staticOptions));
  app.use('/desk/app', onlyScripts, express.static(BUILD, staticOptions));

  // The development explorer, in place of Apollo's Sandbox (which loads from a CDN).
  if (explorerEnabled(config)) {
    const explorerHeaders = deskHeaders(explorerContentSecurityPolicy());
    app.get('/explorer', explorerHeaders, (_req, res) => res.sendFile(path.join(DESK, 'explorer.html')));
    app.get('/desk/explorer.css', (_req, res) => res.sendFile(path.join(DESK, 'explorer.css')));
    for (const [name, file] of Object.entries(EXPLORER)) {
      app.get(`/desk/explorer/${name}`, (_req, res) => res.sendFile(path.join(MODULES, file)));
    }
    // A browser opening /graphql gets the explorer; API requests (POST, GET with a query) go on to Apollo.
    app.get('/graphql', (req, res, next) => {
      if (Object.keys(req.query).length === 0 && req.accepts(['application/json', 'text/html']) === 'text/html')
        res.redirect(302, '/explorer');
      else next();
    });
  }

  // How the desk signs in (ADR 026): the partnership's OpenID Connect provider (what the desk
  // needs to start an authorization code flow with PKCE), and whether the development sign-in
  // exists. Configuration, not personal data.
  app.get('/desk/sign-in.json', (_req, res) => {
    res.json({
      provider: oidc ? { issuer: oidc.issuer, clientId: oidc.clientId, scope: oidc.scope } : null,
      development: devSignInEnabled(config),
    });
  });

  const dev = express.Router();
  dev.use((_req, res, next) => {
    // Outside development authentication, the sign-in does not exist.
    if (!devSignInEnabled(config)) {
      res.status(404).json({ error: 'not found' });
      return;
    }
    next();
  });
  dev.get('/users', (_req, res) => {
    res.json({ users: demoUsers(agencies) });
  });
  dev.post('/sign-in', express.json({ limit: '1kb' }), async (req, res) => {
    // JSON only: a cross-site form cannot post it without a preflight the hub never grants.
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'send JSON' });
      return;
    }
    const id = (req.body as { user?: unknown } | undefined)?.user;
    const user = demoUsers(agencies).find((u) => u.id === id);
    if (!user) {
      res.status(400).json({ error: 'unknown demo user' });
      return;
    }
    const token = await signDevToken(
      config.auth,
      { sub: user.id, name: user.name, agency: user.agency, roles: [user.role] },
      '8h',
    );
    res.json({ token });
  });
  app.use('/desk/dev', dev);
}

const onlyScripts: express.RequestHandler = (req, res, next) => {
  if (!/^\/[A-Za-z0-9_/.-]+\.(js|mjs)$/.test(req.path) || req.path.includes('..')) {
    res.status(404).end();
    return;
  }
  res.type('text/javascript');
  next();
};
