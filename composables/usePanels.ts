// The two side panels: on desktop (≥ 1024 px) they push the chat and their state is kept in a cookie
// (so SSR renders them right); on mobile they overlay it and start closed. A panel out of sight is
// inert (ui.leftHidden / ui.rightHidden), so the focus is moved out of it before it closes and into
// it when it opens from the keyboard or as an overlay.
const DESKTOP = '(min-width: 1024px)'
export type PanelSide = 'left' | 'right'
export const PANEL_IDS = { left: 'topic-panel', right: 'task-panel' } as const
export const TOGGLE_IDS = { left: 'topic-panel-toggle', right: 'task-panel-toggle' } as const

function byId(id: string) {
  return import.meta.client ? document.getElementById(id) : null
}

/** Focus inside the panel, or nowhere (it was on something that just went inert). */
function focusWasIn(side: PanelSide) {
  const active = document.activeElement
  return !active || active === document.body || !!byId(PANEL_IDS[side])?.contains(active)
}

export function usePanels() {
  const ui = useUiStore()
  const cookieOptions = { default: () => true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 } as const
  const leftCookie = useCookie<boolean>('ui-left-open', cookieOptions)
  const rightCookie = useCookie<boolean>('ui-right-open', cookieOptions)
  ui.leftOpen = leftCookie.value
  ui.rightOpen = rightCookie.value

  const isDesktop = () => import.meta.client && window.matchMedia(DESKTOP).matches
  const hidden = (side: PanelSide) => (side === 'left' ? ui.leftHidden : ui.rightHidden)

  /** Opens or closes a panel. `focusInside`: put the focus in it when it opens (keyboard use). */
  async function toggle(side: PanelSide, { focusInside = !isDesktop() } = {}) {
    const opening = hidden(side)
    const focusInPanel = !opening && focusWasIn(side)
    if (isDesktop()) {
      if (side === 'left') leftCookie.value = ui.leftOpen = !ui.leftOpen
      else rightCookie.value = ui.rightOpen = !ui.rightOpen
    }
    else {
      ui.leftOverlay = side === 'left' ? !ui.leftOverlay : false
      ui.rightOverlay = side === 'right' ? !ui.rightOverlay : false
    }
    await nextTick()
    if (opening && focusInside) focusPanel(side)
    else if (!opening && focusInPanel) byId(TOGGLE_IDS[side])?.focus()
  }

  /** Shows the panel (if needed) and focuses `selector` in it, or its first control. */
  async function reveal(side: PanelSide, selector?: string) {
    if (hidden(side)) await toggle(side, { focusInside: false })
    await nextTick()
    focusPanel(side, selector)
  }

  function focusPanel(side: PanelSide, selector?: string) {
    const panel = byId(PANEL_IDS[side])
    const target = (selector && panel?.querySelector<HTMLElement>(selector)) || panel?.querySelector<HTMLElement>('a[href], button, input')
    target?.focus()
  }

  /** Closes the mobile overlays; `returnFocus` puts the focus back on the toggle of the one that was open. */
  async function closeOverlays({ returnFocus = false } = {}) {
    const open: PanelSide | null = ui.leftOverlay ? 'left' : ui.rightOverlay ? 'right' : null
    if (!open) return
    const focusInPanel = focusWasIn(open)
    ui.leftOverlay = false
    ui.rightOverlay = false
    await nextTick()
    if (returnFocus || focusInPanel) byId(returnFocus ? TOGGLE_IDS[open] : 'main')?.focus()
  }

  /** Follows the window's width (from mount on: until then the CSS alone hides what is closed). */
  function watchViewport() {
    let query: MediaQueryList | undefined
    const update = () => (ui.desktop = !!query?.matches)
    onMounted(() => {
      query = window.matchMedia(DESKTOP)
      update()
      query.addEventListener('change', update)
    })
    onBeforeUnmount(() => query?.removeEventListener('change', update))
  }

  return {
    toggleLeft: () => toggle('left'),
    toggleRight: () => toggle('right'),
    toggle,
    reveal,
    closeOverlays,
    watchViewport,
  }
}
