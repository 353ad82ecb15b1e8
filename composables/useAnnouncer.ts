// Announcements for screen readers through the layout's polite live region (<LiveRegion />):
// `announce('Reply finished')`. The same text twice is announced twice (the region is emptied first).
export function useAnnouncer() {
  const message = useState('announcer-message', () => '')

  function announce(text: string) {
    if (import.meta.server) return
    message.value = ''
    // Some screen readers skip a change made in the same frame as the clearing.
    setTimeout(() => (message.value = text), 50)
  }

  return { message: readonly(message), announce }
}
