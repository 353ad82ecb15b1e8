// DESIGN.md "Tasks": slash commands and tool calls run tasks whose whole life cycle is sent as
// task.updated; failures are readable; the sandbox never blocks the socket or another reply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Task } from '../../../shared/protocol'
import { chat, clientId, guest, send, startServer, type Client, type TestServer } from './helpers'

let server: TestServer

beforeAll(async () => {
  server = await startServer({ env: { BUILTIN_WORD_DELAY_MS: '2' } })
})

afterAll(async () => {
  await server?.stop()
})

const endless = '/run\n```js\nwhile (true) {}\n```'

function statusesOf(client: Client, taskId: string): Task['status'][] {
  return client.all('task.updated', p => p.task.id === taskId).map(p => p.task.status).filter((s, i, all) => s !== all[i - 1])
}

async function taskEnd(client: Client, messageId: string, timeoutMs = 15_000): Promise<Task> {
  const { task } = await client.nextOf('task.updated', p => p.task.messageId === messageId && ['completed', 'failed', 'cancelled'].includes(p.task.status), timeoutMs)
  return task
}

describe('slash commands', () => {
  it('/calc with a bad expression fails the task with a readable error, and the reply says so', async () => {
    const { client } = await guest(server.url)
    for (const expression of ['foo(', '1 +', 'nosuchsymbol * 2']) {
      const { assistant } = await send(client, `/calc ${expression}`)
      const task = await taskEnd(client, assistant.id)
      expect(task.kind).toBe('calc')
      expect(task.status, expression).toBe('failed')
      expect(task.error?.code, expression).toBe('invalid_expression')
      expect(task.error?.message, expression).toContain(`Cannot evaluate "${expression}"`)
      expect(task.result).toBeUndefined()
      expect(statusesOf(client, task.id)).toEqual(['pending', 'running', 'failed'])
      const { message } = await client.nextOf('message.completed', p => p.message.id === assistant.id)
      expect(message.content).toContain(`The task failed: ${task.error!.message}`)
    }
    await client.close()
  })

  it('/calc with a good expression completes with its value', async () => {
    const { client } = await guest(server.url)
    const { message, assistant } = await chat(client, '/calc 2^10 / 4')
    const task = client.all('task.updated', p => p.task.messageId === assistant.id).at(-1)!.task
    expect(task).toMatchObject({ kind: 'calc', status: 'completed', progress: 1 })
    expect(task.result).toMatchObject({ value: '256' })
    expect(message.content).toContain('**256**')
    await client.close()
  })

  it('/run with an endless loop fails on the time limit while the socket and other replies stay responsive', async () => {
    const { client } = await guest(server.url)
    const { assistant } = await send(client, endless)
    const { task: running } = await client.nextOf('task.updated', p => p.task.messageId === assistant.id && p.task.status === 'running')
    const startedAt = Date.now()

    // Pings answer promptly while the loop spins in its worker thread.
    const pongTimes: number[] = []
    for (let i = 0; i < 3; i++) {
      const sent = performance.now()
      client.send('ping', {})
      await client.nextOf('pong', undefined, 2_000)
      pongTimes.push(performance.now() - sent)
    }
    expect(Math.max(...pongTimes)).toBeLessThan(300)

    // A reply in another topic streams to its end before the loop is stopped.
    const other = await chat(client, 'what is 10 * 10?')
    expect(other.message.content).toContain('**10 * 10 = 100**')
    expect(client.all('task.updated', p => p.task.id === running.id && p.task.status === 'failed')).toEqual([])

    const task = await taskEnd(client, assistant.id)
    expect(task.id).toBe(running.id)
    expect(task.status).toBe('failed')
    expect(task.error?.code).toBe('time_limit')
    expect(task.error?.message).toMatch(/time limit/i)
    expect(Date.now() - startedAt).toBeLessThan(10_000)
    const { message } = await client.nextOf('message.completed', p => p.message.id === assistant.id)
    expect(message.content).toMatch(/time limit/i)
    await client.close()
  })

  it('/run with working code completes with its output', async () => {
    const { client } = await guest(server.url)
    const { message, assistant } = await chat(client, '/run\n```js\nconst xs = [1, 2, 3].map(n => n * 2)\nconsole.log(xs.join(","))\nxs.length\n```')
    const task = client.all('task.updated', p => p.task.messageId === assistant.id).at(-1)!.task
    expect(task).toMatchObject({ kind: 'run-code', status: 'completed' })
    expect(task.result?.text).toContain('2,4,6')
    expect(task.result?.value).toBe('3')
    expect(message.content).toContain('2,4,6')
    await client.close()
  })

  it('/run with a script error fails with the error message', async () => {
    const { client } = await guest(server.url)
    const { assistant } = await send(client, '/run\n```js\nnotDefined + 1\n```')
    const task = await taskEnd(client, assistant.id)
    expect(task.status).toBe('failed')
    expect(task.error?.code).toBe('script_error')
    expect(task.error?.message).toContain('ReferenceError')
    await client.close()
  })

  it('/summarize completes with a summary of the topic in result.text', async () => {
    const { client } = await guest(server.url)
    const first = await chat(client, 'Kangaroos live in Australia and kangaroos can hop very fast across the outback.')
    await chat(client, 'Koalas also live in Australia and koalas sleep most of the day in eucalyptus trees.', { topicId: first.topicId })
    const { message, assistant } = await chat(client, '/summarize', { topicId: first.topicId })
    const updates = client.all('task.updated', p => p.task.messageId === assistant.id)
    const task = updates.at(-1)!.task
    expect(statusesOf(client, task.id)).toEqual(['pending', 'running', 'completed'])
    expect(task).toMatchObject({ kind: 'summarize', status: 'completed', topicId: first.topicId })
    expect(task.result?.text).toMatch(/\*\*4 messages\*\*/)
    expect(task.result?.text.toLowerCase()).toContain('australia')
    expect(message.content).toContain(task.result!.text)
    await client.close()
  })

  it('the code-runner agent runs a code block through the run-code task', async () => {
    const { client } = await guest(server.url)
    const { message, assistant, topicId } = await chat(client, '```js\nconsole.log("from the runner")\n```', { agentId: 'code-runner' })
    expect(assistant.agentId).toBe('code-runner')
    const task = client.all('task.updated', p => p.task.messageId === assistant.id).at(-1)!.task
    expect(task).toMatchObject({ kind: 'run-code', status: 'completed', topicId })
    expect(message.content).toContain('from the runner')
    await client.close()
  })
})

describe('task.cancel', () => {
  it('cancels a running task; the reply reports it; an unknown or ended task is handled', async () => {
    const { client } = await guest(server.url)
    const { assistant } = await send(client, endless)
    const { task: running } = await client.nextOf('task.updated', p => p.task.messageId === assistant.id && p.task.status === 'running')
    const sentAt = Date.now()
    client.send('task.cancel', { taskId: running.id })
    const task = await taskEnd(client, assistant.id, 5_000)
    expect(task.status).toBe('cancelled')
    expect(Date.now() - sentAt).toBeLessThan(2_000)
    expect(statusesOf(client, running.id)).toEqual(['pending', 'running', 'cancelled'])
    const { message } = await client.nextOf('message.completed', p => p.message.id === assistant.id)
    expect(message.content).toContain('cancelled')

    // Cancelling a task that already ended changes nothing.
    client.send('task.cancel', { taskId: running.id })
    client.send('ping', {})
    await client.nextOf('pong')
    expect(client.all('task.updated', p => p.task.id === running.id).at(-1)!.task.status).toBe('cancelled')

    const requestId = clientId()
    client.send('task.cancel', { taskId: 'tsk_unknown' }, requestId)
    expect(await client.nextOf('error', p => p.requestId === requestId)).toMatchObject({ code: 'not_found' })

    client.send('topic.open', { topicId: task.topicId })
    const history = await client.nextOf('topic.history')
    expect(history.tasks.map(t => [t.id, t.status])).toEqual([[running.id, 'cancelled']])
    await client.close()
  })
})
