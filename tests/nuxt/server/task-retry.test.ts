// Issue 11, tasks: a task carries what it was asked (input), and task.retry runs a failed or
// cancelled task again as a new task; other statuses are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Task } from '../../../shared/protocol'
import { chat, guest, startServer, type Client, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.stop()
})

function lastOf(client: Client, predicate: (task: Task) => boolean): Task | undefined {
  return client.all('task.updated', p => predicate(p.task)).at(-1)?.task
}

describe('task.retry', () => {
  it('runs a failed task again with the same kind and input, in the same topic', async () => {
    const { client } = await guest(server.url)
    const { assistant, topicId } = await chat(client, '/calc 1 +')
    const failed = lastOf(client, t => t.messageId === assistant.id)!
    expect(failed).toMatchObject({ kind: 'calc', status: 'failed', input: '1 +' })

    client.send('task.retry', { taskId: failed.id })
    const { task: retried } = await client.nextOf('task.updated', p => p.task.id !== failed.id && p.task.status === 'pending')
    expect(retried).toMatchObject({ kind: 'calc', topicId, input: '1 +', title: failed.title })
    expect(retried.messageId).toBeUndefined()
    const { task: end } = await client.nextOf('task.updated', p => p.task.id === retried.id && p.task.status === 'failed')
    expect(end.error?.code).toBe('invalid_expression')

    // The topic's history lists both.
    client.send('topic.open', { topicId })
    const history = await client.nextOf('topic.history', p => p.topicId === topicId)
    expect(history.tasks.map(t => t.id)).toEqual([failed.id, retried.id])
    expect(history.tasks[0]!.input).toBe('1 +')
    await client.close()
  })

  it('refuses a completed task, and another user\'s task is not found', async () => {
    const alice = await guest(server.url)
    const bob = await guest(server.url)
    const { assistant } = await chat(alice.client, '/calc 2 + 2')
    const done = lastOf(alice.client, t => t.messageId === assistant.id)!
    expect(done.status).toBe('completed')
    alice.client.send('task.retry', { taskId: done.id }, 'r1')
    expect(await alice.client.nextOf('error', p => p.requestId === 'r1')).toMatchObject({ code: 'bad_request', message: expect.stringContaining('failed or cancelled') })
    bob.client.send('task.retry', { taskId: done.id }, 'r2')
    expect(await bob.client.nextOf('error', p => p.requestId === 'r2')).toMatchObject({ code: 'not_found' })
    await Promise.all([alice.client.close(), bob.client.close()])
  })

  it('caps a long input to what the task panel shows', async () => {
    const { client } = await guest(server.url)
    const code = `// ${'x'.repeat(17_000)}\nthrow new Error('boom')`
    const { assistant } = await chat(client, `/run\n\`\`\`js\n${code}\n\`\`\``)
    const task = lastOf(client, t => t.messageId === assistant.id)!
    expect(task.input!.length).toBeLessThan(16_200)
    expect(task.input).toMatch(/input cut at 16,000 characters; 17,\d{3} in all\]$/)
    await client.close()
  })
})
