// Layout and feedback state shared by the shell's components.
import { defineStore } from 'pinia'

export interface ToastAction {
  label: string
  run: () => void
}

export interface Toast {
  id: number
  kind: 'error' | 'info'
  message: string
  action?: ToastAction
}

export const useUiStore = defineStore('ui', () => {
  /** Desktop: panels push the chat; open by default. Mobile: they overlay it; closed by default. */
  const leftOpen = ref(true)
  const rightOpen = ref(true)
  const leftOverlay = ref(false)
  const rightOverlay = ref(false)
  /** Whether the window is desktop-wide; null until the browser has said (SSR and hydration). */
  const desktop = ref<boolean | null>(null)
  const toasts = ref<Toast[]>([])
  /** The agent chosen for the next new chat. */
  const draftAgentId = ref<string | null>(null)
  /** The keyboard shortcuts' help dialog. */
  const helpOpen = ref(false)
  /** Tasks that finished while the task panel was closed (the badge on its toggle). */
  const tasksFinishedUnseen = ref(0)
  let nextToast = 1

  /** A panel nobody can see: its contents are made inert (no focus, not in the accessibility tree). */
  const leftHidden = computed(() => desktop.value === null ? false : desktop.value ? !leftOpen.value : !leftOverlay.value)
  const rightHidden = computed(() => desktop.value === null ? false : desktop.value ? !rightOpen.value : !rightOverlay.value)
  /** A mobile overlay is open: it holds the focus. */
  const overlayOpen = computed(() => desktop.value === false && (leftOverlay.value || rightOverlay.value))

  function toast(message: string, kind: Toast['kind'] = 'error', ttlMs = 6000, action?: ToastAction) {
    const id = nextToast++
    toasts.value.push({ id, kind, message, action })
    if (import.meta.client) setTimeout(() => dismiss(id), ttlMs)
    return id
  }

  function dismiss(id: number) {
    toasts.value = toasts.value.filter(t => t.id !== id)
  }

  return {
    leftOpen, rightOpen, leftOverlay, rightOverlay, desktop, toasts, draftAgentId, helpOpen, tasksFinishedUnseen,
    leftHidden, rightHidden, overlayOpen, toast, dismiss,
  }
})
