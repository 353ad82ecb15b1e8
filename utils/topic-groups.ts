// Topics grouped by the calendar day of their last activity, in a given time zone (the browser's):
// Today, Yesterday, Previous 7 days, Older. Pure, so the server can render the same groups as the
// browser when it knows the browser's time zone.
import type { Topic } from '#shared/protocol'

export const topicGroupKeys = ['today', 'yesterday', 'week', 'older'] as const
export type TopicGroupKey = typeof topicGroupKeys[number]
export interface TopicGroup { key: TopicGroupKey, topics: Topic[] }

const formats = new Map<string, Intl.DateTimeFormat>()

/** Days since 1970-01-01 of the calendar date `time` falls on in `timeZone`. */
export function dayNumber(time: Date | string, timeZone: string): number {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    formats.set(timeZone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(time)).map(part => [part.type, part.value]))
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) / 86_400_000
}

export function groupKey(updatedAt: string, now: Date, timeZone: string): TopicGroupKey {
  const age = dayNumber(now, timeZone) - dayNumber(updatedAt, timeZone)
  if (age <= 0) return 'today'
  if (age === 1) return 'yesterday'
  if (age <= 7) return 'week'
  return 'older'
}

/** The non-empty groups in order; topics keep their order (newest first) within a group. */
export function groupTopics(topics: Topic[], now: Date, timeZone: string): TopicGroup[] {
  const groups = new Map<TopicGroupKey, Topic[]>(topicGroupKeys.map(key => [key, []]))
  for (const topic of topics) groups.get(groupKey(topic.updatedAt, now, timeZone))!.push(topic)
  return topicGroupKeys.filter(key => groups.get(key)!.length).map(key => ({ key, topics: groups.get(key)! }))
}
