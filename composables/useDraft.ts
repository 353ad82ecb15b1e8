// The composer's text kept per topic across reloads, in localStorage. It is read after mounting
// only (the server has no localStorage, so the first render must not depend on it).
import type { Ref } from 'vue'

const PREFIX = 'agent-chat:draft:'
const SAVE_DELAY_MS = 250

export function draftStorageKey(key: string): string {
  return `${PREFIX}${key}`
}

export function useDraft(text: Ref<string>, key: () => string) {
  let timer: ReturnType<typeof setTimeout> | undefined

  function save() {
    try {
      if (text.value.trim()) localStorage.setItem(draftStorageKey(key()), text.value)
      else localStorage.removeItem(draftStorageKey(key()))
    }
    catch {
      // Storage full or disabled (private mode): the draft lives as long as the page.
    }
  }

  onMounted(() => {
    try {
      const saved = localStorage.getItem(draftStorageKey(key()))
      if (saved && !text.value) text.value = saved
    }
    catch {
      // As above.
    }
    watch(text, () => {
      clearTimeout(timer)
      timer = setTimeout(save, SAVE_DELAY_MS)
    })
  })
  onBeforeUnmount(() => {
    if (timer === undefined) return
    clearTimeout(timer)
    save()
  })
  return { save }
}
