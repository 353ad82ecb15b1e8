// Layout and feedback state shared by the shell's components.
import { defineStore } from 'pinia'

export interface Toast {
  id: number
  kind: 'error' | 'info'
  message: string
}

export const useUiStore = defineStore('ui', () => {
  /** Desktop: panels push the chat; open by default. Mobile: they overlay it; closed by default. */
  const leftOpen = ref(true)
  const rightOpen = ref(true)
  const leftOverlay = ref(false)
  const rightOverlay = ref(false)
  const toasts = ref<Toast[]>([])
  /** The agent chosen for the next new chat. */
  const draftAgentId = ref<string | null>(null)
  let nextToast = 1

  function toast(message: string, kind: Toast['kind'] = 'error', ttlMs = 6000) {
    const id = nextToast++
    toasts.value.push({ id, kind, message })
    if (import.meta.client) setTimeout(() => dismiss(id), ttlMs)
  }

  function dismiss(id: number) {
    toasts.value = toasts.value.filter(t => t.id !== id)
  }

  return { leftOpen, rightOpen, leftOverlay, rightOverlay, toasts, draftAgentId, toast, dismiss }
})
