import { describe, expect, it } from 'vitest'
import type { Topic } from '#shared/protocol'
import { dayNumber, groupKey, groupTopics } from '../../utils/topic-groups'

const topic = (id: string, updatedAt: string): Topic => ({ id, title: id, agentId: 'assistant', createdAt: updatedAt, updatedAt })

describe('topic groups', () => {
  const now = new Date('2026-03-10T09:00:00Z')

  it('sorts by calendar day in the given time zone, not by 24-hour spans', () => {
    expect(groupKey('2026-03-10T00:30:00Z', now, 'UTC')).toBe('today')
    // 23:30 the day before is yesterday, though less than ten hours ago.
    expect(groupKey('2026-03-09T23:30:00Z', now, 'UTC')).toBe('yesterday')
    expect(groupKey('2026-03-08T23:59:00Z', now, 'UTC')).toBe('week')
    expect(groupKey('2026-03-03T00:00:00Z', now, 'UTC')).toBe('week')
    expect(groupKey('2026-03-02T23:59:59Z', now, 'UTC')).toBe('older')
  })

  it('uses the zone: the same instant is today in Tokyo and yesterday in Los Angeles', () => {
    const early = new Date('2026-03-10T01:00:00Z') // 10:00 in Tokyo, 18:00 (Mar 9) in Los Angeles
    expect(groupKey('2026-03-09T16:00:00Z', early, 'Asia/Tokyo')).toBe('today') // 01:00 Mar 10 in Tokyo
    expect(groupKey('2026-03-09T16:00:00Z', early, 'America/Los_Angeles')).toBe('today') // 09:00 Mar 9 there, and now is Mar 9
    expect(groupKey('2026-03-09T14:00:00Z', early, 'Asia/Tokyo')).toBe('yesterday') // 23:00 Mar 9 in Tokyo
  })

  it('counts days across a daylight saving change', () => {
    // Los Angeles moved its clocks forward on 2026-03-08: that day has 23 hours.
    // 00:30 on Mar 8 (PST) and 00:30 on Mar 9 (PDT) are 23 hours and one calendar day apart.
    expect(dayNumber('2026-03-09T07:30:00Z', 'America/Los_Angeles') - dayNumber('2026-03-08T08:30:00Z', 'America/Los_Angeles')).toBe(1)
    expect(groupKey('2026-03-08T08:30:00Z', new Date('2026-03-09T08:00:00Z'), 'America/Los_Angeles')).toBe('yesterday')
  })

  it('treats a time in the future (a clock ahead) as today', () => {
    expect(groupKey('2026-03-11T09:00:00Z', now, 'UTC')).toBe('today')
  })

  it('returns the non-empty groups in order with the topics in their order', () => {
    const topics = [
      topic('a', '2026-03-10T08:00:00Z'),
      topic('b', '2026-03-10T01:00:00Z'),
      topic('c', '2026-02-01T00:00:00Z'),
      topic('d', '2026-03-09T12:00:00Z'),
    ]
    expect(groupTopics(topics, now, 'UTC').map(g => [g.key, g.topics.map(t => t.id)])).toEqual([
      ['today', ['a', 'b']],
      ['yesterday', ['d']],
      ['older', ['c']],
    ])
    expect(groupTopics([], now, 'UTC')).toEqual([])
  })
})
