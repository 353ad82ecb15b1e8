// Search in titles and messages on the server (GET /api/search) as the person types: from two
// characters on, debounced, and a newer query aborts the request of an older one.
import { LIMITS } from '#shared/limits'
import type { SearchResult, SearchResponse } from '#shared/protocol'

export const SEARCH_MIN_CHARS = 2
const DEBOUNCE_MS = 250

export function useTopicSearch(query: () => string) {
  const results = ref<SearchResult[]>([])
  const status = ref<'idle' | 'loading' | 'done' | 'error'>('idle')
  const error = ref('')
  let controller: AbortController | undefined
  let timer: ReturnType<typeof setTimeout> | undefined

  async function run(term: string) {
    const current = (controller = new AbortController())
    try {
      const data = await $fetch<SearchResponse>('/api/search', { query: { q: term }, signal: current.signal })
      if (current !== controller) return
      results.value = data.results
      status.value = 'done'
    }
    catch (failure) {
      if (current.signal.aborted) return
      error.value = apiErrorMessage(failure)
      status.value = 'error'
    }
  }

  watch(query, (value) => {
    clearTimeout(timer)
    controller?.abort()
    const term = value.trim().slice(0, LIMITS.searchChars)
    if (term.length < SEARCH_MIN_CHARS) {
      results.value = []
      status.value = 'idle'
      return
    }
    status.value = 'loading'
    timer = setTimeout(() => run(term), DEBOUNCE_MS)
  })

  onBeforeUnmount(() => {
    clearTimeout(timer)
    controller?.abort()
  })

  return { results, status, error }
}
