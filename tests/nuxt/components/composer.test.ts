// The composer mounted in the Nuxt environment: the slash-command menu by keyboard, the offline and
// streaming states, and the draft kept per topic in localStorage.
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { afterEach, describe, expect, it, vi } from 'vitest'
import ChatComposer from '~/components/ChatComposer.vue'
import { draftStorageKey } from '~/composables/useDraft'

afterEach(() => localStorage.clear())

async function composer(props: Record<string, unknown> = {}) {
  const wrapper = await mountSuspended(ChatComposer, { props: { 'streaming': false, 'modelValue': '', 'onUpdate:modelValue': (value: string) => wrapper.setProps({ modelValue: value }), ...props } })
  return wrapper
}

const options = (wrapper: Awaited<ReturnType<typeof composer>>) => wrapper.findAll('[data-testid=slash-option]')
const activeCommand = (wrapper: Awaited<ReturnType<typeof composer>>) => wrapper.find('[data-testid=slash-option][aria-selected=true] code').text()

describe('the slash-command menu', () => {
  it('opens on "/" with every command and a help line each, wired to the input for assistive technology', async () => {
    const wrapper = await composer()
    const input = wrapper.find('[data-testid=composer-input]')
    expect(input.attributes('aria-controls')).toBeUndefined()
    await input.setValue('/')
    expect(options(wrapper).map(o => o.find('code').text())).toEqual(['/calc', '/run', '/summarize'])
    expect(options(wrapper)[0]!.text()).toContain('Evaluate a math expression')
    expect(options(wrapper)[0]!.text()).toContain('e.g. /calc 2 * (3 + 4)')
    const menuId = wrapper.find('[data-testid=slash-menu]').attributes('id')
    expect(input.attributes('aria-controls')).toBe(menuId)
    expect(input.attributes('aria-expanded')).toBe('true')
    expect(input.attributes('aria-activedescendant')).toBe(`${menuId}-0`)
  })

  it('ArrowDown and ArrowUp move through the commands, wrapping around', async () => {
    const wrapper = await composer()
    const input = wrapper.find('[data-testid=composer-input]')
    await input.setValue('/')
    expect(activeCommand(wrapper)).toBe('/calc')
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(activeCommand(wrapper)).toBe('/run')
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(activeCommand(wrapper)).toBe('/calc')
    await input.trigger('keydown', { key: 'ArrowUp' })
    expect(activeCommand(wrapper)).toBe('/summarize')
  })

  it('Enter picks the active command instead of sending; Tab too', async () => {
    const wrapper = await composer()
    const input = wrapper.find('[data-testid=composer-input]')
    await input.setValue('/')
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.props('modelValue')).toBe('/run ')
    expect(wrapper.emitted('send')).toBeUndefined()
    expect(wrapper.find('[data-testid=slash-menu]').exists()).toBe(false)
    await input.setValue('/su')
    await input.trigger('keydown', { key: 'Tab' })
    expect(wrapper.props('modelValue')).toBe('/summarize ')
  })

  it('Escape closes the menu until the text changes; then Enter sends', async () => {
    const wrapper = await composer()
    const input = wrapper.find('[data-testid=composer-input]')
    await input.setValue('/ca')
    await input.trigger('keydown', { key: 'Escape' })
    expect(wrapper.find('[data-testid=slash-menu]').exists()).toBe(false)
    await input.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toEqual([['/ca']])
    await input.setValue('/c')
    expect(wrapper.find('[data-testid=slash-menu]').exists()).toBe(true)
  })

  it('closes once the command has its argument', async () => {
    const wrapper = await composer()
    await wrapper.find('[data-testid=composer-input]').setValue('/calc 1+1')
    expect(wrapper.find('[data-testid=slash-menu]').exists()).toBe(false)
  })
})

describe('states', () => {
  it('offline: send is disabled and the hint says why; the text stays', async () => {
    const wrapper = await composer({ offline: true, modelValue: 'Are you there?' })
    const send = wrapper.find('[data-testid=send]')
    expect(send.attributes('disabled')).toBeDefined()
    expect(send.attributes('title')).toContain('Offline')
    expect(wrapper.find('[data-testid=composer-hint]').text()).toContain('Offline: sending is paused')
    expect(wrapper.attributes('data-state')).toBe('offline')
    await wrapper.find('[data-testid=composer-input]').trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('send')).toBeUndefined()
    expect(wrapper.props('modelValue')).toBe('Are you there?')
  })

  it('while a reply streams: Stop is offered, Enter queues once, and a second message waits with the reason shown', async () => {
    const wrapper = await composer({ streaming: true })
    expect(wrapper.find('[data-testid=stop]').exists()).toBe(true)
    expect(wrapper.find('[data-testid=composer-streaming]').text()).toContain('Stop ends it now')
    await wrapper.find('[data-testid=stop]').trigger('click')
    expect(wrapper.emitted('stop')).toHaveLength(1)
    await wrapper.setProps({ queued: 'first', modelValue: 'second' })
    expect(wrapper.find('[data-testid=send]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid=send]').attributes('title')).toContain('already queued')
  })

  it('a text over the limit cannot be sent and says by how much', async () => {
    const wrapper = await composer({ modelValue: 'x'.repeat(32_001) })
    expect(wrapper.find('[data-testid=send]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('[data-testid=composer-hint]').text()).toContain('32,001 / 32,000')
  })
})

describe('the draft', () => {
  it('is saved per topic as it is typed, restored when the composer comes back, and cleared by sending', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const mountFor = (draftKey: string) => mountSuspended(ChatComposer, { props: { streaming: false, draftKey } })
    const value = (wrapper: Awaited<ReturnType<typeof mountFor>>) => wrapper.find<HTMLTextAreaElement>('[data-testid=composer-input]').element.value
    try {
      const first = await mountFor('top_1')
      await first.find('[data-testid=composer-input]').setValue('half a thought')
      vi.advanceTimersByTime(300)
      expect(localStorage.getItem(draftStorageKey('top_1'))).toBe('half a thought')
      expect(localStorage.getItem(draftStorageKey('top_2'))).toBeNull()
      first.unmount()

      const again = await mountFor('top_1')
      expect(value(again)).toBe('half a thought')
      const other = await mountFor('top_2')
      expect(value(other)).toBe('')

      await again.find('[data-testid=composer-input]').trigger('keydown', { key: 'Enter' })
      expect(again.emitted('send')).toEqual([['half a thought']])
      expect(value(again)).toBe('')
      vi.advanceTimersByTime(300)
      expect(localStorage.getItem(draftStorageKey('top_1'))).toBeNull()
    }
    finally {
      vi.useRealTimers()
    }
  })
})
