// The topic list's date groups in the browser's time zone. The server renders the same groups when
// it knows that zone (a `tz` cookie the browser writes); on a first visit it renders no groups, and
// the browser adds them after hydration. "Now" is the server's during hydration too, so both agree.
import type { Topic } from '#shared/protocol'
import { groupTopics } from '~/utils/topic-groups'

function validZone(zone: string | null | undefined): zone is string {
  if (!zone) return false
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  }
  catch {
    return false
  }
}

export function useTopicGroups(list: () => Topic[]) {
  const cookie = useCookie<string | null>('tz', { default: () => null, sameSite: 'lax', maxAge: 60 * 60 * 24 * 365 })
  const zone = useState<string | null>('topic-groups-zone', () => (validZone(cookie.value) ? cookie.value : null))
  const now = useState('topic-groups-now', () => Date.now())

  onMounted(() => {
    const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone
    if (cookie.value !== browserZone) cookie.value = browserZone
    zone.value = browserZone
    now.value = Date.now()
  })

  return computed(() => (zone.value ? groupTopics(list(), new Date(now.value), zone.value) : null))
}
