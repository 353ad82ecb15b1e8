// The message components mounted in the Nuxt environment (real stores, i18n and renderer): what a
// message shows, its actions, the version switcher and the edit form. Frames the actions send are
// read at the socket plugin's request function, the one way out of the app.
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Message } from '#shared/protocol'
import MessageItem from '~/components/message/MessageItem.vue'
import MessageEditForm from '~/components/message/MessageEditForm.vue'
import UndoBar from '~/components/message/UndoBar.vue'
import type { ChatSocket } from '~/plugins/socket.client'

const msg = (overrides: Partial<Message> = {}): Message => ({
  id: 'm2', topicId: 'top_1', role: 'assistant', content: 'Hello **world**', status: 'complete', seq: 3, createdAt: '2024-01-01T10:00:00.000Z', ...overrides,
})

let sent: { type: string, payload: unknown }[]
beforeEach(() => {
  sent = []
  const socket = useNuxtApp().$chatSocket as ChatSocket
  vi.spyOn(socket, 'request').mockImplementation((type, payload) => {
    sent.push({ type, payload })
    return 'r1'
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  useState('message-undo').value = null
})

describe('MessageItem', () => {
  it('renders the markdown of a reply once the renderer has loaded', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg(), canRegenerate: true, agentName: 'Echo' } })
    await vi.waitFor(() => expect(wrapper.find('[data-testid=message-content] strong').exists()).toBe(true))
    expect(wrapper.find('[data-testid=message-content]').text()).toBe('Hello world')
    expect(wrapper.attributes('data-role')).toBe('assistant')
    expect(wrapper.find('[data-testid=version-switcher]').exists()).toBe(false)
  })

  it('shows a stopped reply as stopped and a failed one with its error', async () => {
    const stopped = await mountSuspended(MessageItem, { props: { message: msg({ status: 'stopped' }), canRegenerate: false } })
    expect(stopped.find('[data-testid=message-stopped]').text()).toBe('Stopped')
    const failed = await mountSuspended(MessageItem, { props: { message: msg({ status: 'failed', error: { code: 'provider', message: 'The model is down' } }), canRegenerate: false } })
    expect(failed.find('[data-testid=message-error]').text()).toContain('The model is down')
  })

  it('while streaming offers Stop (not copy or delete), and says when the connection is lost', async () => {
    const streaming = await mountSuspended(MessageItem, { props: { message: msg({ status: 'streaming' }), canRegenerate: true } })
    expect(streaming.find('[data-testid=typing]').exists()).toBe(true)
    expect(streaming.find('[data-testid=delete-message]').exists()).toBe(false)
    await streaming.find('button[aria-label="Stop reply"]').trigger('click')
    expect(sent).toEqual([{ type: 'message.stop', payload: { topicId: 'top_1', messageId: 'm2' } }])
    const offline = await mountSuspended(MessageItem, { props: { message: msg({ status: 'streaming' }), canRegenerate: true, offline: true } })
    expect(offline.find('[data-testid=message-offline]').exists()).toBe(true)
    expect(offline.find('[data-testid=typing]').exists()).toBe(false)
    expect(offline.find('button[aria-label="Stop reply"]').exists()).toBe(false)
  })

  it('regenerates only the reply it is told it may, and edits only user messages', async () => {
    const last = await mountSuspended(MessageItem, { props: { message: msg(), canRegenerate: true } })
    await last.find('[data-testid=regenerate]').trigger('click')
    expect(sent).toEqual([{ type: 'message.regenerate', payload: { topicId: 'top_1', messageId: 'm2' } }])
    const earlier = await mountSuspended(MessageItem, { props: { message: msg(), canRegenerate: false } })
    expect(earlier.find('[data-testid=regenerate]').exists()).toBe(false)
    expect(earlier.find('[data-testid=edit-message]').exists()).toBe(false)
    const user = await mountSuspended(MessageItem, { props: { message: msg({ role: 'user' }), canRegenerate: false } })
    expect(user.find('[data-testid=edit-message]').exists()).toBe(true)
  })

  it('delete asks first; confirming deletes and offers Undo, which restores the message', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg(), canRegenerate: false }, attachTo: document.body })
    await wrapper.find('[data-testid=delete-message]').trigger('click')
    expect(sent).toEqual([])
    const confirm = wrapper.find('[data-testid=confirm-delete-message]')
    expect(document.activeElement).toBe(confirm.element)
    await confirm.trigger('click')
    expect(sent).toEqual([{ type: 'message.delete', payload: { topicId: 'top_1', messageId: 'm2' } }])

    const bar = await mountSuspended(UndoBar, { props: { topicId: 'top_1' } })
    expect(bar.find('[data-testid=message-undo]').text()).toContain('Message deleted.')
    await bar.find('[data-testid=undo-delete-message]').trigger('click')
    expect(sent.at(-1)).toEqual({ type: 'message.restore', payload: { topicId: 'top_1', messageId: 'm2' } })
    expect(bar.find('[data-testid=message-undo]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('Escape on the confirmation takes it back without deleting', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg(), canRegenerate: false } })
    await wrapper.find('[data-testid=delete-message]').trigger('click')
    await wrapper.find('[data-testid=confirm-delete-message]').trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('[data-testid=confirm-delete-message]').exists()).toBe(false)
    expect(sent).toEqual([])
  })
})

describe('the version switcher', () => {
  const versions = ['v1', 'v2', 'v3']

  it('shows "2 / 3" and selects the previous and next versions', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg({ id: 'v2', versions }), canRegenerate: true } })
    expect(wrapper.find('[data-testid=version-position]').text()).toBe('2 / 3')
    await wrapper.find('[data-testid=version-previous]').trigger('click')
    await wrapper.find('[data-testid=version-next]').trigger('click')
    expect(sent).toEqual([
      { type: 'message.select', payload: { topicId: 'top_1', messageId: 'v1' } },
      { type: 'message.select', payload: { topicId: 'top_1', messageId: 'v3' } },
    ])
  })

  it('cannot go past either end, and is named for assistive technology', async () => {
    const first = await mountSuspended(MessageItem, { props: { message: msg({ id: 'v1', versions }), canRegenerate: true } })
    expect(first.find('[data-testid=version-previous]').attributes('disabled')).toBeDefined()
    expect(first.find('[data-testid=version-next]').attributes('disabled')).toBeUndefined()
    expect(first.find('[data-testid=version-switcher]').attributes('aria-label')).toBe('Versions of this message')
    expect(first.find('[data-testid=version-next]').attributes('aria-label')).toBe('Next version')
    const last = await mountSuspended(MessageItem, { props: { message: msg({ id: 'v3', versions }), canRegenerate: true } })
    expect(last.find('[data-testid=version-next]').attributes('disabled')).toBeDefined()
  })

  it('is not shown for a message with one version', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg({ versions: ['m2'] }), canRegenerate: true } })
    expect(wrapper.find('[data-testid=version-switcher]').exists()).toBe(false)
  })
})

describe('editing a message', () => {
  it('the edit form opens focused with the text, and Ctrl+Enter saves the new text as an edit', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg({ role: 'user', content: 'What is 2 + 2?' }), canRegenerate: false }, attachTo: document.body })
    await wrapper.find('[data-testid=edit-message]').trigger('click')
    const input = wrapper.find<HTMLTextAreaElement>('[data-testid=edit-input]')
    expect(document.activeElement).toBe(input.element)
    expect(input.element.value).toBe('What is 2 + 2?')
    await input.setValue('  What is 3 + 3?  ')
    await input.trigger('keydown', { key: 'Enter', ctrlKey: true })
    expect(sent).toEqual([{ type: 'message.edit', payload: { topicId: 'top_1', messageId: 'm2', text: 'What is 3 + 3?' } }])
    expect(wrapper.find('[data-testid=edit-form]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('Escape cancels without sending; saving the same text sends nothing', async () => {
    const wrapper = await mountSuspended(MessageItem, { props: { message: msg({ role: 'user', content: 'Same' }), canRegenerate: false } })
    await wrapper.find('[data-testid=edit-message]').trigger('click')
    await wrapper.find('[data-testid=edit-input]').trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('[data-testid=edit-form]').exists()).toBe(false)
    await wrapper.find('[data-testid=edit-message]').trigger('click')
    await wrapper.find('[data-testid=edit-input]').trigger('keydown', { key: 'Enter', metaKey: true })
    expect(sent).toEqual([])
  })

  it('a plain Enter makes a new line instead of saving, and a blank text cannot be saved', async () => {
    const form = await mountSuspended(MessageEditForm, { props: { text: 'line one' } })
    await form.find('textarea').trigger('keydown', { key: 'Enter' })
    expect(form.emitted('save')).toBeUndefined()
    await form.find('textarea').setValue('   ')
    expect(form.find('[data-testid=edit-save]').attributes('disabled')).toBeDefined()
    await form.find('form').trigger('submit')
    expect(form.emitted('save')).toBeUndefined()
  })
})
