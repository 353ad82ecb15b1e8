// The two side panels: on desktop (≥ 1024 px) they push the chat and their state is kept in a cookie
// (so SSR renders them right); on mobile they overlay it and start closed.
const DESKTOP = '(min-width: 1024px)'

export function usePanels() {
  const ui = useUiStore()
  const leftCookie = useCookie<boolean>('ui-left-open', { default: () => true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 })
  const rightCookie = useCookie<boolean>('ui-right-open', { default: () => true, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 })
  ui.leftOpen = leftCookie.value
  ui.rightOpen = rightCookie.value

  const isDesktop = () => import.meta.client && window.matchMedia(DESKTOP).matches

  function toggleLeft() {
    if (isDesktop()) leftCookie.value = ui.leftOpen = !ui.leftOpen
    else {
      ui.leftOverlay = !ui.leftOverlay
      ui.rightOverlay = false
    }
  }

  function toggleRight() {
    if (isDesktop()) rightCookie.value = ui.rightOpen = !ui.rightOpen
    else {
      ui.rightOverlay = !ui.rightOverlay
      ui.leftOverlay = false
    }
  }

  function closeOverlays() {
    ui.leftOverlay = false
    ui.rightOverlay = false
  }

  return { toggleLeft, toggleRight, closeOverlays }
}
