// The topic panel's server search: results render their snippet as text with <mark>s (never HTML),
// and useTopicSearch asks only from two characters on, once per pause in typing, for the latest text.
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { mountSuspended, registerEndpoint } from '@nuxt/test-utils/runtime'
import type { SearchResult } from '#shared/protocol'
import SearchResults from '~/components/SearchResults.vue'
import { useTopicSearch } from '~/composables/useTopicSearch'

const result = (overrides: Partial<SearchResult> = {}): SearchResult => ({
  topicId: 'top_1',
  topicTitle: 'Animals',
  messageId: 'msg_1',
  role: 'user',
  snippet: 'Quokkas are <b>small</b> marsupials',
  matches: [[0, 7]],
  createdAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
})

describe('SearchResults', () => {
  it('marks the matched ranges and keeps markup in the snippet as text', async () => {
    const view = await mountSuspended(SearchResults, { props: { results: [result()], status: 'done', error: '' } })
    const link = view.get('[data-testid=search-result]')
    expect(link.attributes('href')).toBe('/t/top_1?m=msg_1')
    expect(link.attributes('data-kind')).toBe('message')
    expect(view.findAll('mark').map(m => m.text())).toEqual(['Quokkas'])
    expect(view.get('[data-testid=search-snippet]').text()).toBe('Quokkas are <b>small</b> marsupials')
    expect(view.find('[data-testid=search-snippet] b').exists()).toBe(false)
    expect(link.text()).toContain('Animals')
  })

  it('says when nothing matched, and shows the error of a failed search', async () => {
    const none = await mountSuspended(SearchResults, { props: { results: [], status: 'done', error: '' } })
    expect(none.text()).toContain('No message matches.')
    const failed = await mountSuspended(SearchResults, { props: { results: [], status: 'error', error: 'q: too long' } })
    expect(failed.get('[data-testid=search-error]').text()).toBe('q: too long')
  })
})

describe('useTopicSearch', () => {
  it('waits for two characters and a pause, then asks once with the latest text', async () => {
    const asked: string[] = []
    registerEndpoint('/api/search', (event) => {
      const q = new URL(event.node.req.url!, 'http://x').searchParams.get('q')!
      asked.push(q)
      return { results: [result({ snippet: `about ${q}`, matches: [[6, 6 + q.length]] })] }
    })
    const query = ref('')
    let search!: ReturnType<typeof useTopicSearch>
    await mountSuspended(defineComponent({
      setup() {
        search = useTopicSearch(() => query.value)
        return () => h('div')
      },
    }))

    query.value = 'q'
    await nextTick()
    expect(search.status.value).toBe('idle')
    for (const text of ['qu', 'quo', 'quokka']) {
      query.value = text
      await nextTick()
      await new Promise(done => setTimeout(done, 50))
    }
    expect(search.status.value).toBe('loading')
    await vi.waitFor(() => expect(search.status.value).toBe('done'), { timeout: 2000 })
    expect(asked).toEqual(['quokka'])
    expect(search.results.value[0]!.snippet).toBe('about quokka')

    query.value = 'q'
    await nextTick()
    expect(search.status.value).toBe('idle')
    expect(search.results.value).toEqual([])
  })
})
