import { describe, expect, it } from 'vitest'
import { shortcutFor, shortcutKeys } from '../../utils/shortcuts'

const press = (key: string, mods: { ctrl?: boolean, meta?: boolean, shift?: boolean, alt?: boolean } = {}, tagName = 'BODY') => shortcutFor({
  key,
  ctrlKey: !!mods.ctrl,
  metaKey: !!mods.meta,
  shiftKey: !!mods.shift,
  altKey: !!mods.alt,
  target: { tagName, isContentEditable: false } as unknown as EventTarget,
})

describe('shortcutFor', () => {
  it('maps the documented keys, Ctrl or ⌘ alike', () => {
    expect(press('k', { ctrl: true })).toBe('search')
    expect(press('k', { meta: true })).toBe('search')
    expect(press('O', { ctrl: true, shift: true })).toBe('newChat')
    expect(press('S', { meta: true, shift: true })).toBe('toggleTopics')
    expect(press('E', { ctrl: true, shift: true })).toBe('toggleTasks')
    expect(press('X', { ctrl: true, shift: true })).toBe('stop')
    expect(press('Escape', { shift: true }, 'TEXTAREA')).toBe('focusComposer')
  })

  it('needs the exact modifiers', () => {
    expect(press('k')).toBe(null)
    expect(press('k', { ctrl: true, shift: true })).toBe(null)
    expect(press('o', { ctrl: true })).toBe(null)
    expect(press('k', { ctrl: true, alt: true })).toBe(null)
    expect(press('Escape')).toBe(null)
  })

  it('leaves "?" to text fields, but Ctrl+/ opens the help from anywhere', () => {
    expect(press('?', { shift: true })).toBe('help')
    expect(press('?', { shift: true }, 'TEXTAREA')).toBe(null)
    expect(press('?', { shift: true }, 'INPUT')).toBe(null)
    expect(press('/', { ctrl: true }, 'TEXTAREA')).toBe('help')
    expect(press('k', { ctrl: true }, 'INPUT')).toBe('search')
  })
})

describe('shortcutKeys', () => {
  it('writes the keys for the platform', () => {
    expect(shortcutKeys('newChat', false)).toEqual(['Ctrl', 'Shift', 'O'])
    expect(shortcutKeys('search', true)).toEqual(['⌘', 'K'])
    expect(shortcutKeys('focusComposer', false)).toEqual(['Shift', 'Esc'])
    expect(shortcutKeys('help', false)).toEqual(['?'])
  })
})
