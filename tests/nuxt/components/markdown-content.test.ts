// MarkdownContent mounted in the Nuxt environment: the only v-html of the app, with a copy button on
// each code block, KaTeX loaded for math, and finished blocks kept while a reply streams.
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { describe, expect, it, vi } from 'vitest'
import MarkdownContent from '~/components/MarkdownContent.vue'

async function rendered(props: { source: string, streaming?: boolean }) {
  const wrapper = await mountSuspended(MarkdownContent, { props })
  await vi.waitFor(() => expect(wrapper.html()).not.toContain('**'))
  return wrapper
}

describe('MarkdownContent', () => {
  it('puts a labelled copy button on every code block, saying "Copied" once clicked', async () => {
    const writes: string[] = []
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async (text: string) => void writes.push(text) }, configurable: true })
    const wrapper = await rendered({ source: '**Two blocks:**\n\n```js\nconst a = 1\n```\n\n- a list with\n\n  ```\n  nested code\n  ```' })
    const buttons = wrapper.findAll('button.code-copy')
    expect(buttons).toHaveLength(2)
    expect(buttons.map(b => b.attributes('aria-label'))).toEqual(['Copy code', 'Copy code'])
    await buttons[0]!.trigger('click')
    await vi.waitFor(() => expect(buttons[0]!.text()).toBe('Copied'))
    expect(writes).toEqual(['const a = 1\n'])
  })

  it('renders math with KaTeX once it has loaded, and leaves prices alone', async () => {
    const wrapper = await mountSuspended(MarkdownContent, { props: { source: 'Euler: $e^{i\\pi} + 1 = 0$, and it costs $5 or $10.' } })
    await vi.waitFor(() => expect(wrapper.find('.katex').exists()).toBe(true), { timeout: 5_000 })
    expect(wrapper.find('.katex math annotation').text()).toBe('e^{i\\pi} + 1 = 0')
    expect(wrapper.text()).toContain('it costs $5 or $10.')
  })

  it('while streaming, keeps the finished blocks\' elements and renders only the growing last one', async () => {
    const wrapper = await rendered({ source: 'Intro.\n\n- Title\n\nFirst paragraph.\n\nSecond', streaming: true })
    const blocks = () => wrapper.findAll('.markdown-block')
    await vi.waitFor(() => expect(blocks()).toHaveLength(4))
    const [intro, title, first] = blocks().map(b => b.element)
    await wrapper.setProps({ source: 'Intro.\n\n- Title\n\nFirst paragraph.\n\nSecond paragraph, growing' })
    expect(blocks()[0]!.element).toBe(intro)
    expect(blocks()[1]!.element).toBe(title)
    expect(blocks()[2]!.element).toBe(first)
    expect(blocks()[3]!.text()).toBe('Second paragraph, growing')
    await wrapper.setProps({ source: 'Intro.\n\n- Title\n\nFirst paragraph.\n\nSecond paragraph, done.', streaming: false })
    expect(wrapper.text()).toContain('Second paragraph, done.')
    expect(wrapper.find('ul li').text()).toBe('Title')
  })

  it('never lets markup through: raw HTML comes out as text', async () => {
    const wrapper = await rendered({ source: '<img src=x onerror=alert(1)> **bold**' })
    expect(wrapper.find('img').exists()).toBe(false)
    expect(wrapper.text()).toContain('<img src=x onerror=alert(1)>')
  })
})
