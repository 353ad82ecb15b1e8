// The slash-command menu of the composer: the commands matching what is typed, one of them active;
// ArrowUp/Down move, Enter or Tab pick, Escape closes (until the text changes).
import type { Ref } from 'vue'
import { slashCommandHelp } from '#shared/commands'

export type SlashCommandHelp = (typeof slashCommandHelp)[number]

export function useSlashMenu(text: Ref<string>) {
  const active = ref(0)
  const dismissedFor = ref<string | null>(null)

  const matches = computed<SlashCommandHelp[]>(() => {
    const value = text.value
    if (!value.startsWith('/') || /\s/.test(value) || dismissedFor.value === value) return []
    return slashCommandHelp.filter(c => c.command.startsWith(value.toLowerCase()))
  })
  const open = computed(() => matches.value.length > 0)
  watch(matches, () => (active.value = 0))

  function pick(command: SlashCommandHelp | undefined = matches.value[active.value]) {
    if (command) text.value = `${command.command} `
  }

  /** Handles a key of the textarea; true when the menu used it (the caller then prevents its default). */
  function onKey(event: KeyboardEvent): boolean {
    if (!open.value || event.isComposing) return false
    const count = matches.value.length
    switch (event.key) {
      case 'ArrowDown':
        active.value = (active.value + 1) % count
        return true
      case 'ArrowUp':
        active.value = (active.value - 1 + count) % count
        return true
      case 'Enter':
      case 'Tab':
        if (event.shiftKey) return false
        pick()
        return true
      case 'Escape':
        dismissedFor.value = text.value
        return true
      default:
        return false
    }
  }

  return { matches, open, active, pick, onKey }
}
