// The person's topics, newest activity first, as the server last reported them.
import { defineStore } from 'pinia'
import type { Topic } from '#shared/protocol'

export const useTopicsStore = defineStore('topics', () => {
  const items = ref<Topic[]>([])
  const currentId = ref<string | null>(null)
  const query = ref('')

  const sorted = computed(() => [...items.value].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt)))
  const filtered = computed(() => {
    const q = query.value.trim().toLowerCase()
    return q ? sorted.value.filter(topic => topic.title.toLowerCase().includes(q)) : sorted.value
  })
  const current = computed(() => items.value.find(topic => topic.id === currentId.value) ?? null)

  function setAll(topics: Topic[]) {
    items.value = topics
  }

  function upsert(topic: Topic) {
    const index = items.value.findIndex(t => t.id === topic.id)
    if (index >= 0) items.value[index] = topic
    else items.value.push(topic)
  }

  function remove(topicId: string) {
    items.value = items.value.filter(topic => topic.id !== topicId)
  }

  return { items, currentId, query, sorted, filtered, current, setAll, upsert, remove }
})
