// TopicMenu mounted in the Nuxt environment: a press outside the open menu closes it (the app's own
// useClickOutside, which replaced @vueuse/core's onClickOutside to keep it out of the first paint);
// a press inside it, or on its own button, does not.
import { mountSuspended } from '@nuxt/test-utils/runtime'
import { afterEach, describe, expect, it } from 'vitest'
import type { Topic } from '#shared/protocol'
import TopicMenu from '~/components/TopicMenu.vue'

const topic: Topic = { id: 'tp_1', title: 'A topic', agentId: 'assistant', createdAt: '2026-11-29T10:00:00.000Z', updatedAt: '2026-11-29T10:00:00.000Z' }

afterEach(() => {
  document.body.innerHTML = ''
})

async function openMenu() {
  const updates: boolean[] = []
  const wrapper = await mountSuspended(TopicMenu, {
    attachTo: document.body,
    props: { topic, 'active': true, 'open': true, 'onUpdate:open': (value: boolean) => void updates.push(value) },
  })
  return { wrapper, updates }
}

function press(target: Element) {
  target.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }))
}

describe('TopicMenu', () => {
  it('closes on a press outside it', async () => {
    const { wrapper, updates } = await openMenu()
    expect(wrapper.find('[role=menu]').exists()).toBe(true)
    const outside = document.createElement('div')
    document.body.append(outside)
    press(outside)
    expect(updates).toEqual([false])
    wrapper.unmount()
    // Unmounted, it listens no more.
    press(outside)
    expect(updates).toEqual([false])
  })

  it('stays open on a press inside the menu or on its button', async () => {
    const { wrapper, updates } = await openMenu()
    press(wrapper.get('[role=menuitem]').element)
    press(wrapper.get('button[aria-haspopup]').element)
    expect(updates).toEqual([])
    wrapper.unmount()
  })
})
