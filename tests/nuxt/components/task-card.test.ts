// TaskCard mounted in the Nuxt environment: what each status shows, the details it expands to (the
// input as text, never as HTML), and which chat action each button asks for.
import { describe, expect, it, vi } from 'vitest'
import { mockNuxtImport, mountSuspended } from '@nuxt/test-utils/runtime'
import type { Task } from '#shared/protocol'
import TaskCard from '~/components/TaskCard.vue'

const { retryTask, cancelTask } = vi.hoisted(() => ({ retryTask: vi.fn(), cancelTask: vi.fn() }))
mockNuxtImport('useChat', () => () => ({ retryTask, cancelTask }))

function task(overrides: Partial<Task> = {}): Task {
  return {
    id: 'task_1',
    topicId: 'top_1',
    kind: 'calc',
    title: 'Calculate 6 * 7',
    status: 'completed',
    progress: null,
    input: '6 * 7',
    result: { text: 'The answer is **42**' },
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:01.500Z',
    ...overrides,
  }
}

describe('TaskCard', () => {
  it('shows a completed task with its status, kind, duration and rendered result', async () => {
    const card = await mountSuspended(TaskCard, { props: { task: task() } })
    expect(card.get('[data-testid=task-card]').attributes('data-status')).toBe('completed')
    expect(card.get('[data-testid=task-status]').text()).toBe('Completed')
    expect(card.text()).toContain('calc')
    expect(card.text()).toContain('1.5 s')
    // The result's renderer is a lazy component (not part of the first paint's scripts).
    await vi.waitFor(() => expect(card.get('[data-testid=task-result] strong').text()).toBe('42'))
    expect(card.find('[data-testid=task-retry]').exists()).toBe(false)
    expect(card.find('[data-testid=task-cancel]').exists()).toBe(false)
  })

  it('expands to the input as plain text and collapses again', async () => {
    const card = await mountSuspended(TaskCard, { props: { task: task({ input: '<img src=x onerror=alert(1)> 2 + 2' }) } })
    const toggle = card.get('[data-testid=task-expand]')
    expect(toggle.attributes('aria-expanded')).toBe('false')
    expect(toggle.attributes('aria-controls')).toBeUndefined()
    expect(card.find('[data-testid=task-details]').exists()).toBe(false)

    await toggle.trigger('click')
    expect(toggle.attributes('aria-expanded')).toBe('true')
    const details = card.get('[data-testid=task-details]')
    expect(toggle.attributes('aria-controls')).toBe(details.attributes('id'))
    const input = card.get('[data-testid=task-input]')
    expect(input.text()).toBe('<img src=x onerror=alert(1)> 2 + 2')
    expect(input.find('img').exists()).toBe(false)

    await toggle.trigger('click')
    expect(card.find('[data-testid=task-details]').exists()).toBe(false)
  })

  it('says so when the server sent no input', async () => {
    const card = await mountSuspended(TaskCard, { props: { task: task({ input: undefined }) } })
    await card.get('[data-testid=task-expand]').trigger('click')
    expect(card.find('[data-testid=task-input]').exists()).toBe(false)
    expect(card.get('[data-testid=task-input-none]').text()).toBe('Not recorded for this task.')
  })

  it('offers Retry on failed and cancelled tasks, and asks the chat to retry that task', async () => {
    for (const status of ['failed', 'cancelled'] as const) {
      retryTask.mockClear()
      const card = await mountSuspended(TaskCard, {
        props: { task: task({ id: `task_${status}`, status, result: undefined, error: { code: 'invalid_expression', message: 'Cannot evaluate "2 +"' } }) },
      })
      expect(card.get('[data-testid=task-status]').text()).toBe(status === 'failed' ? 'Failed' : 'Cancelled')
      expect(card.get('[data-testid=task-error]').text()).toBe('Cannot evaluate "2 +"')
      await card.get('[data-testid=task-retry]').trigger('click')
      expect(retryTask).toHaveBeenCalledExactlyOnceWith(`task_${status}`)
      // Expanded, the error shows its code too.
      await card.get('[data-testid=task-expand]').trigger('click')
      expect(card.get('[data-testid=task-error]').text()).toBe('invalid_expression: Cannot evaluate "2 +"')
    }
  })

  it('offers Cancel (not Retry) while a task runs, with its progress', async () => {
    const card = await mountSuspended(TaskCard, { props: { task: task({ status: 'running', progress: 0.25, result: undefined }) } })
    expect(card.find('[data-testid=task-retry]').exists()).toBe(false)
    expect(card.find('[style*="width: 25%"]').exists()).toBe(true)
    await card.get('[data-testid=task-cancel]').trigger('click')
    expect(cancelTask).toHaveBeenCalledExactlyOnceWith('task_1')
  })
})
