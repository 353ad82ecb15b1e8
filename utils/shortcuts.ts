// The keyboard shortcuts: one list for the handler (useShortcuts), the help dialog and the hints in
// buttons' titles. `mod` is Ctrl, or ⌘ on a Mac.
export const shortcutIds = ['newChat', 'search', 'toggleTopics', 'toggleTasks', 'focusComposer', 'stop', 'help'] as const
export type ShortcutId = typeof shortcutIds[number]

export interface Shortcut {
  id: ShortcutId
  /** KeyboardEvent.key, lower case for letters. */
  key: string
  mod?: boolean
  shift?: boolean
  /** Also fires while typing in a field (every shortcut with a modifier does). */
  inFields?: boolean
}

export const shortcuts: Shortcut[] = [
  { id: 'newChat', key: 'o', mod: true, shift: true },
  { id: 'search', key: 'k', mod: true },
  { id: 'toggleTopics', key: 's', mod: true, shift: true },
  { id: 'toggleTasks', key: 'e', mod: true, shift: true },
  { id: 'focusComposer', key: 'escape', shift: true, inFields: true },
  { id: 'stop', key: 'x', mod: true, shift: true },
  { id: 'help', key: '?', shift: true },
]

function isTyping(target: EventTarget | null) {
  const el = target as HTMLElement | null
  return !!el && (el.isContentEditable || /^(input|textarea|select)$/i.test(el.tagName))
}

/** The shortcut a key press means, if any. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey' | 'target'>): ShortcutId | null {
  if (event.altKey) return null
  const mod = event.ctrlKey || event.metaKey
  const key = event.key.toLowerCase()
  // Ctrl+/ opens the help from anywhere, a field included.
  if (mod && key === '/') return 'help'
  const match = shortcuts.find(s => s.key === key && !!s.mod === mod && (s.key === '?' || !!s.shift === event.shiftKey))
  if (!match) return null
  if (!match.mod && !match.inFields && isTyping(event.target)) return null
  return match.id
}

/** How a shortcut is written: ["Ctrl", "Shift", "O"]. */
export function shortcutKeys(id: ShortcutId, mac: boolean): string[] {
  const shortcut = shortcuts.find(s => s.id === id)!
  const keys: string[] = []
  if (shortcut.mod) keys.push(mac ? '⌘' : 'Ctrl')
  if (shortcut.shift && shortcut.key !== '?') keys.push('Shift')
  keys.push(shortcut.key === 'escape' ? 'Esc' : shortcut.key.toUpperCase())
  return keys
}
