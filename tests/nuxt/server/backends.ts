// The databases a suite runs on: PGlite always, and Postgres (a fresh database per suite, dropped
// afterwards) when one answers. REQUIRE_POSTGRES=1 makes a missing Postgres a failure.
import pg from 'pg'

export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** Runs `work` on a connection to the admin database (to create and drop a suite's own). */
export async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 })
  await client.connect()
  try {
    return await work(client)
  }
  finally {
    await client.end()
  }
}

export interface Backend {
  name: string
  /** Creates the database (Postgres) and returns the env that points the server at it. */
  setup: () => Promise<Record<string, string>>
  teardown: () => Promise<void>
}

const reachable = await admin(async () => true).catch(() => false)
if (!reachable && process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but no Postgres answers at ${adminUrl}`)

let counter = 0

function postgres(): Backend {
  const database = `agentchat_test_${process.pid}_${Date.now()}_${++counter}`
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return {
    name: 'Postgres',
    setup: async () => {
      await admin(client => client.query(`create database ${database}`))
      return { DATABASE_URL: url.toString() }
    },
    teardown: () => admin(client => client.query(`drop database if exists ${database} with (force)`)).then(() => {}),
  }
}

export function backends(): Backend[] {
  const pglite: Backend = { name: 'PGlite', setup: async () => ({}), teardown: async () => {} }
  return reachable ? [pglite, postgres()] : [pglite]
}
