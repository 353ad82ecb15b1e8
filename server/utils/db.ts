// The one database entry point: Drizzle on embedded PGlite (default) or on Postgres (DATABASE_URL).
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { MigrationMeta } from 'drizzle-orm/migrator'
import * as schema from '../database/schema'
import { useConfig } from './config'

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>
type Migratable = Db & { dialect: { migrate: (m: MigrationMeta[], s: unknown, c: object) => Promise<void> }, session: unknown }

interface DbHandle {
  db: Db
  kind: 'pglite' | 'postgres'
  ping: () => Promise<void>
  close: () => Promise<void>
  /** Runs the migrations; with Postgres under an advisory lock, so instances starting at once take turns. */
  migrate: (migrations: MigrationMeta[]) => Promise<void>
}

let handle: Promise<DbHandle> | undefined

/** DATA_DIR holds the database and the session secret: created readable by this user only. */
export function ensureDataDir(dataDir: string): string {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  return dir
}

/** Resolves in the event loop's next check phase, after the I/O that is waiting. */
const nextTurn = () => new Promise<void>(resolve => setImmediate(resolve))

/**
 * PGlite runs Postgres in this thread, and its queries resolve as microtasks: a burst of messages
 * (a hundred sends arriving at once) ran its queries back to back for ~1 s without letting a socket
 * or a provider stream be read (first tokens 0.7-0.9 s late at p99 in bench/stream-cpu.mjs). Each
 * query and transaction now starts on a turn of the event loop of its own, so I/O waiting runs
 * between them (p99 16 ms in the same bench). Queries inside a transaction run straight on: it holds
 * the database meanwhile.
 */
export function takeTurns(client: { query: (...args: never[]) => Promise<unknown>, transaction: (...args: never[]) => Promise<unknown> }): void {
  const query = client.query.bind(client)
  const transaction = client.transaction.bind(client)
  client.query = async (...args) => {
    await nextTurn()
    return query(...args)
  }
  client.transaction = async (...args) => {
    await nextTurn()
    return transaction(...args)
  }
}

async function openPglite(dataDir: string): Promise<DbHandle> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await import('drizzle-orm/pglite')
  const dir = join(ensureDataDir(dataDir), 'pglite')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const client = new PGlite(dir)
  await client.waitReady
  takeTurns(client)
  const db = drizzle(client, { schema }) as unknown as Db
  return {
    db,
    kind: 'pglite',
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
    // One process owns an embedded database: nobody to take turns with.
    migrate: migrations => migrate(db, migrations),
  }
}

// Any fixed number: every instance asks for the same lock.
const MIGRATION_LOCK = 7_201_945_310

async function openPostgres(url: string, poolSize: number): Promise<DbHandle> {
  const { default: pg } = await import('pg')
  const { drizzle } = await import('drizzle-orm/node-postgres')
  const pool = new pg.Pool({ connectionString: url, max: poolSize })
  // An idle client that loses its server must not take the process down.
  pool.on('error', error => console.warn('[db] idle client error:', error.message))
  return {
    db: drizzle(pool, { schema }) as unknown as Db,
    kind: 'postgres',
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
    async migrate(migrations) {
      const client = await pool.connect()
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK])
        await migrate(drizzle(client, { schema }) as unknown as Db, migrations)
      }
      finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
        client.release()
      }
    },
  }
}

export function openDatabase(config: { DATA_DIR: string, DATABASE_URL?: string, DATABASE_POOL_SIZE?: number }): Promise<DbHandle> {
  handle ??= config.DATABASE_URL ? openPostgres(config.DATABASE_URL, config.DATABASE_POOL_SIZE ?? 10) : openPglite(config.DATA_DIR)
  return handle
}

export async function useDbHandle(): Promise<DbHandle> {
  return openDatabase(useConfig())
}

export async function useDb(): Promise<Db> {
  return (await useDbHandle()).db
}

export async function closeDatabase() {
  if (!handle) return
  const current = handle
  handle = undefined
  await (await current).close()
}

/** Reads drizzle-kit's output (journal + SQL files) through any reader: the bundled assets or the file system. */
export async function loadMigrations(read: (name: string) => Promise<string>): Promise<MigrationMeta[]> {
  const journal = JSON.parse(await read('meta/_journal.json')) as { entries: { tag: string, when: number, breakpoints: boolean }[] }
  return Promise.all(journal.entries.map(async (entry) => {
    const query = await read(`${entry.tag}.sql`)
    return {
      sql: query.split('--> statement-breakpoint'),
      bps: entry.breakpoints,
      folderMillis: entry.when,
      hash: createHash('sha256').update(query).digest('hex'),
    }
  }))
}

export async function migrate(db: Db, migrations: MigrationMeta[]) {
  const migratable = db as Migratable
  await migratable.dialect.migrate(migrations, migratable.session, { migrationsFolder: '', migrationsTable: '__drizzle_migrations' })
}

export function dataPath(...parts: string[]) {
  return join(resolve(useConfig().DATA_DIR), ...parts)
}
