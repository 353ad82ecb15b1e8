// Closes a popup on a press outside it: @vueuse/core's onClickOutside in a few lines, so that the
// first paint does not carry @vueuse/core (its useWebSocket loads with the socket, after the paint).
import type { Ref } from 'vue'

/** Calls `handler` on a pointer press outside `target` and the `ignore` elements (while `target` is shown). */
export function useClickOutside(target: Ref<HTMLElement | undefined>, handler: () => void, ignore: Ref<HTMLElement | undefined>[] = []) {
  const listener = (event: PointerEvent) => {
    const node = event.target as Node | null
    if (!target.value || !node) return
    if ([target, ...ignore].some(element => element.value?.contains(node))) return
    handler()
  }
  onMounted(() => document.addEventListener('pointerdown', listener, true))
  onBeforeUnmount(() => document.removeEventListener('pointerdown', listener, true))
}
