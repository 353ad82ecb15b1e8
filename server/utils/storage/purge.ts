// The end of the undo window: soft-deleted topics and messages older than it go for good. A purged
// message hands its children to its nearest surviving ancestor first, so that the conversation
// below it stays one branch.
import { lt, sql } from 'drizzle-orm'
import { messages, topics } from '../../database/schema'
import { useDb } from '../db'

export async function purgeDeleted(before: Date): Promise<{ topics: number, messages: number }> {
  const db = await useDb()
  return db.transaction(async (tx) => {
    const gone = await tx.delete(topics).where(lt(topics.deletedAt, before)).returning({ id: topics.id })
    await tx.execute(sql`
      with recursive doomed as (
        select id, parent_id from ${messages} where deleted_at < ${before.toISOString()}::timestamptz
      ), up(child, ancestor) as (
        select c.id, d.parent_id from ${messages} c join doomed d on d.id = c.parent_id
        where c.id not in (select id from doomed)
        union all
        select up.child, d.parent_id from up join doomed d on d.id = up.ancestor
      )
      update ${messages} m set parent_id = up.ancestor from up
      where m.id = up.child and (up.ancestor is null or up.ancestor not in (select id from doomed))`)
    const purged = await tx.delete(messages).where(lt(messages.deletedAt, before)).returning({ id: messages.id })
    return { topics: gone.length, messages: purged.length }
  })
}
