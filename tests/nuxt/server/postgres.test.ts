// DATABASE_URL: the same server on a real Postgres (the machine's, as DESIGN.md's deployment uses).
// Each run gets its own database, dropped afterwards. Without a reachable Postgres these tests are
// reported as skipped, unless REQUIRE_POSTGRES=1 (CI), where that is a failure.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chat, connect, guest, startServer, type TestServer } from './helpers'

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const database = `agentchat_test_${process.pid}_${Date.now()}`

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 })
  await client.connect()
  try {
    return await work(client)
  }
  finally {
    await client.end()
  }
}

const reachable = await admin(async () => true).catch(() => false)
if (!reachable && process.env.REQUIRE_POSTGRES === '1') throw new Error(`REQUIRE_POSTGRES=1 but no Postgres answers at ${adminUrl}`)

function databaseUrl(): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

describe.runIf(reachable)('with DATABASE_URL (Postgres)', () => {
  const servers: TestServer[] = []

  beforeAll(async () => {
    await admin(client => client.query(`create database ${database}`))
  })

  afterAll(async () => {
    await Promise.all(servers.map(server => server.stop()))
    await admin(client => client.query(`drop database if exists ${database} with (force)`))
  })

  it('migrates an empty database, stores a conversation and keeps it across a restart', async () => {
    const env = { DATABASE_URL: databaseUrl(), BUILTIN_WORD_DELAY_MS: '2' }
    const first = await startServer({ env })
    servers.push(first)
    expect(await (await fetch(`${first.url}/api/health`)).json()).toEqual({ status: 'ok', db: 'ok', redis: 'off' })
    const { client, cookie } = await guest(first.url)
    const exchange = await chat(client, 'what is 6 * 7?')
    expect(exchange.message.content).toContain('= 42')
    await client.close()
    await first.stop()

    const check = new pg.Client({ connectionString: databaseUrl() })
    await check.connect()
    const { rows } = await check.query<{ role: string, status: string }>('select role, status from messages order by position')
    await check.end()
    expect(rows).toEqual([{ role: 'user', status: 'complete' }, { role: 'assistant', status: 'complete' }])

    // The migrations table makes the second start a no-op migration; DATA_DIR still holds the
    // generated session secret, so the cookie stays valid.
    const second = await startServer({ env, dataDir: first.dataDir })
    servers.push(second)
    const again = await connect(second.url, cookie)
    const ready = await again.nextOf('session.ready')
    expect(ready.topics.map(t => t.id)).toEqual([exchange.topicId])
    again.send('topic.open', { topicId: exchange.topicId })
    const history = await again.nextOf('topic.history')
    expect(history.messages.map(m => m.content)).toEqual(['what is 6 * 7?', exchange.message.content])
    expect(history.tasks.map(t => [t.kind, t.status])).toEqual([['calc', 'completed']])
    await again.close()
  })
})
