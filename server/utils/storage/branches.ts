// Versions of messages as a tree (schema.ts): an edit or a regenerate adds a sibling, and the
// active branch is one path from a root to a leaf, marked `active` on its rows. Since a child is
// always stored after its parent, the active rows in position order are that path, which keeps
// history paging a plain index range scan however many versions a topic has.
import { and, asc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm'
import { messages, type MessageRow } from '../../database/schema'
import { useDb } from '../db'

const key = (parentId: string | null, role: string) => `${parentId ?? ''}|${role}`

/**
 * The versions of each row that has more than one: ids of the not-deleted messages with the same
 * parent and role, oldest first. One query for a page.
 */
export async function versionsOf(topicId: string, rows: Pick<MessageRow, 'id' | 'parentId' | 'role'>[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>()
  if (!rows.length) return result
  const parents = [...new Set(rows.map(row => row.parentId).filter((id): id is string => id !== null))]
  const sameParent = [
    ...(parents.length ? [inArray(messages.parentId, parents)] : []),
    ...(rows.some(row => row.parentId === null) ? [isNull(messages.parentId)] : []),
  ]
  const db = await useDb()
  const siblings = await db.select({ id: messages.id, parentId: messages.parentId, role: messages.role }).from(messages)
    .where(and(eq(messages.topicId, topicId), isNull(messages.deletedAt), or(...sameParent)))
    .orderBy(asc(messages.position))
  const groups = new Map<string, string[]>()
  for (const sibling of siblings) {
    const group = groups.get(key(sibling.parentId, sibling.role)) ?? []
    group.push(sibling.id)
    groups.set(key(sibling.parentId, sibling.role), group)
  }
  for (const row of rows) {
    const group = groups.get(key(row.parentId, row.role))
    if (group && group.length > 1) result.set(row.id, group)
  }
  return result
}

/**
 * Takes `from` and everything below it off the active branch (they stay stored, as versions).
 * Returns the ids that the conversation showed, oldest first.
 */
export async function leaveBranchFrom(topicId: string, from: MessageRow): Promise<string[]> {
  const db = await useDb()
  const rows = await db.update(messages).set({ active: false })
    .where(and(eq(messages.topicId, topicId), eq(messages.active, true), gte(messages.position, from.position)))
    .returning({ id: messages.id, position: messages.position, deletedAt: messages.deletedAt })
  return rows.filter(row => !row.deletedAt).sort((a, b) => a.position - b.position).map(row => row.id)
}

/**
 * Makes `target` part of the active branch: its ancestors become the path above it and, below it,
 * the branch follows at each level the child that was active (or created) most recently. The rows
 * of the branch it replaces stay stored.
 */
export async function selectVersion(topicId: string, target: MessageRow): Promise<void> {
  if (target.active) return
  const db = await useDb()
  await db.transaction(async (tx) => {
    // The target and its ancestors, nearest first: the deepest active one is where the branches part.
    const chain = await tx.execute(sql`
      with recursive up as (
        select id, parent_id, position, active, 0 as depth from ${messages} where id = ${target.id}
        union all
        select m.id, m.parent_id, m.position, m.active, up.depth + 1 from ${messages} m join up on m.id = up.parent_id
      )
      select id, position, active from up order by depth`)
    // Both drivers answer raw queries with `rows`; bigint positions arrive as strings from node-postgres.
    const rows = (chain as unknown as { rows: { id: string, position: string | number, active: boolean }[] }).rows
    const fork = rows.findIndex(row => row.active)
    const joining = (fork < 0 ? rows : rows.slice(0, fork)).map(row => row.id)
    const below = fork < 0 ? undefined : Number(rows[fork]!.position)
    await tx.update(messages).set({ active: false })
      .where(and(eq(messages.topicId, topicId), eq(messages.active, true), below === undefined ? undefined : sql`${messages.position} > ${below}`))
    await tx.execute(sql`
      with recursive down as (
        select ${target.id}::text as id
        union all
        select c.id from down d cross join lateral (
          select m.id from ${messages} m where m.parent_id = d.id
          order by m.active_at desc, m.position desc limit 1
        ) c
      )
      update ${messages} set active = true, active_at = now()
      where topic_id = ${topicId} and (id in (select id from down) or id in (${sql.join(joining.map(id => sql`${id}`), sql`, `)}))`)
  })
}
