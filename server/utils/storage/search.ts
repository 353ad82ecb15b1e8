// Full-text search in the owner's topic titles and conversations (active branches, nothing deleted):
// Postgres text search with the 'english' configuration (stems: "running" finds "run") or the
// 'simple' one (exact words in any language, stop words included). The same SQL runs on PGlite.
// The GIN indexes of schema.ts cover the message expressions below exactly.
import { sql } from 'drizzle-orm'
import { LIMITS, type SearchResult } from '#shared/protocol'
import { messages, SEARCH_CHARS, topics } from '../../database/schema'
import { useDb } from '../db'

// Marks around the matches in ts_headline's output; control characters no message text keeps (stripped first).
const START = '\u0001'
const STOP = '\u0002'
// One fragment with words on both sides of the match (without MaxFragments it starts at the match).
const HEADLINE = `StartSel=${START}, StopSel=${STOP}, MaxFragments=1, MaxWords=24, MinWords=8`
const TITLE_HEADLINE = `StartSel=${START}, StopSel=${STOP}, HighlightAll=true`

interface Row extends Record<string, unknown> {
  topic_id: string
  topic_title: string
  message_id: string | null
  role: 'user' | 'assistant' | null
  created_at: string | Date
  english: string
  simple: string
}

async function rows(query: ReturnType<typeof sql>): Promise<Row[]> {
  const db = await useDb()
  // Both drivers answer raw queries with `rows`.
  return ((await db.execute(query)) as unknown as { rows: Row[] }).rows
}

function matchesOf(q: string, limit: number, ownerId: string) {
  const text = sql`left(m.content, ${sql.raw(String(SEARCH_CHARS))})`
  const english = sql`to_tsvector('english'::regconfig, ${text})`
  const simple = sql`to_tsvector('simple'::regconfig, ${text})`
  const qEnglish = sql`websearch_to_tsquery('english', ${q})`
  const qSimple = sql`websearch_to_tsquery('simple', ${q})`
  // The headlines are computed for the page only, after the ranking picked it.
  return sql`
    select p.topic_id, p.topic_title, p.message_id, p.role, p.created_at,
      ts_headline('english', translate(p.body, ${START + STOP}, ''), ${qEnglish}, ${HEADLINE}) as english,
      ts_headline('simple', translate(p.body, ${START + STOP}, ''), ${qSimple}, ${HEADLINE}) as simple
    from (
      select m.topic_id, t.title as topic_title, m.id as message_id, m.role, m.created_at, ${text} as body,
        greatest(ts_rank(${english}, ${qEnglish}), ts_rank(${simple}, ${qSimple})) as rank
      from ${messages} m join ${topics} t on t.id = m.topic_id
      where t.owner_id = ${ownerId} and t.deleted_at is null
        and m.active and m.deleted_at is null and m.status <> 'streaming'
        and (${english} @@ ${qEnglish} or ${simple} @@ ${qSimple})
      order by rank desc, m.position desc
      limit ${limit}
    ) p
    order by p.rank desc, p.created_at desc`
}

function titlesOf(q: string, limit: number, ownerId: string) {
  const qEnglish = sql`websearch_to_tsquery('english', ${q})`
  const qSimple = sql`websearch_to_tsquery('simple', ${q})`
  return sql`
    select t.id as topic_id, t.title as topic_title, null as message_id, null as role, t.created_at,
      ts_headline('english', translate(t.title, ${START + STOP}, ''), ${qEnglish}, ${TITLE_HEADLINE}) as english,
      ts_headline('simple', translate(t.title, ${START + STOP}, ''), ${qSimple}, ${TITLE_HEADLINE}) as simple
    from ${topics} t
    where t.owner_id = ${ownerId} and t.deleted_at is null
      and (to_tsvector('english'::regconfig, t.title) @@ ${qEnglish} or to_tsvector('simple'::regconfig, t.title) @@ ${qSimple})
    order by t.updated_at desc
    limit ${limit}`
}

/** A marked headline as plain text and [start, end) ranges, cut to LIMITS.snippetChars around the first match. */
export function snippetOf(marked: string, max = LIMITS.snippetChars): { snippet: string, matches: [number, number][] } {
  let text = ''
  const matches: [number, number][] = []
  let open = -1
  for (const char of marked.replace(/\s+/g, ' ').trim()) {
    if (char === START) open = text.length
    else if (char === STOP) {
      if (open >= 0 && text.length > open) matches.push([open, text.length])
      open = -1
    }
    else text += char
  }
  if (text.length <= max) return { snippet: text, matches }
  // Room for an ellipsis at each end; the window starts a little before the first match.
  const room = max - 2
  const first = matches[0]?.[0] ?? 0
  const start = Math.max(0, Math.min(first - 30, text.length - room))
  const end = Math.min(text.length, start + room)
  const lead = start > 0 ? '…' : ''
  const snippet = `${lead}${text.slice(start, end)}${end < text.length ? '…' : ''}`
  const shift = lead.length - start
  const kept = matches
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): [number, number] => [from + shift, to + shift])
  return { snippet, matches: kept }
}

function toResult(row: Row): SearchResult {
  // The English headline marks stems; a match only the 'simple' configuration found is marked there.
  const marked = row.english.includes(START) ? row.english : row.simple
  return {
    topicId: row.topic_id,
    topicTitle: row.topic_title,
    messageId: row.message_id,
    ...(row.role ? { role: row.role } : {}),
    ...snippetOf(marked),
    createdAt: new Date(row.created_at).toISOString(),
  }
}

/** Title matches first (newest topics first), then messages by rank; at most `limit` in all. */
export async function searchOwnData(ownerId: string, q: string, limit: number): Promise<SearchResult[]> {
  const titles = await rows(titlesOf(q, limit, ownerId))
  const found = titles.length < limit ? await rows(matchesOf(q, limit - titles.length, ownerId)) : []
  return [...titles, ...found].map(toResult)
}
