// db.ts takeTurns: PGlite's queries each start on a turn of the event loop of their own, so that a
// burst of queries lets waiting I/O (socket frames, provider streams) run between them.
import { describe, expect, it } from 'vitest'
import { takeTurns } from '../../server/utils/db'

/** A client whose queries resolve at once, as PGlite's do (its Postgres runs in this thread). */
function instantClient(log: string[]) {
  return {
    query: async (sql: string) => void log.push(sql),
    transaction: async (name: string) => void log.push(name),
  }
}

async function burst(client: ReturnType<typeof instantClient>, log: string[]) {
  // I/O that is ready while the burst runs: it may only run once the burst lets the loop turn.
  setImmediate(() => log.push('io'))
  await Promise.all([client.query('q1'), client.query('q2'), client.transaction('t1'), client.query('q3')])
}

describe('takeTurns', () => {
  it('without it, a burst of instant queries runs to the end before any waiting I/O', async () => {
    const log: string[] = []
    await burst(instantClient(log), log)
    expect(log).toEqual(['q1', 'q2', 't1', 'q3'])
  })

  it('with it, waiting I/O runs before the queries, and every query and transaction still runs once, in order', async () => {
    const log: string[] = []
    const client = instantClient(log)
    takeTurns(client)
    await burst(client, log)
    expect(log[0]).toBe('io')
    expect(log.filter(entry => entry !== 'io')).toEqual(['q1', 'q2', 't1', 'q3'])
  })

  it('passes arguments and results through', async () => {
    const client = { query: async (sql: string, params: unknown[]) => ({ rows: [{ sql, params }] }), transaction: async <T>(fn: () => Promise<T>) => fn() }
    takeTurns(client)
    await expect(client.query('select $1', [1])).resolves.toEqual({ rows: [{ sql: 'select $1', params: [1] }] })
    await expect(client.transaction(async () => 42)).resolves.toBe(42)
  })
})
