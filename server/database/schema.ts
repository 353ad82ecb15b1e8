// One table per concept; every foreign key has an index; row types are exported for the services.
import { relations, sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core'
import type { MessageError, TaskResult, Usage } from '#shared/protocol'

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
}

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  name: text('name'),
  email: text('email').unique(),
  passwordHash: text('password_hash'),
  guest: boolean('guest').notNull().default(true),
  lastActiveAt: timestamp('last_active_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  ...timestamps,
}, t => [index('users_guest_active_idx').on(t.guest, t.lastActiveAt)])

export const sessions = pgTable('sessions', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  ...timestamps,
}, t => [index('sessions_user_idx').on(t.userId)])

export const topics = pgTable('topics', {
  id: text('id').primaryKey(),
  ownerId: text('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  title: text('title').notNull(),
  agentId: text('agent_id').notNull(),
  // Soft delete: set by topic.delete, cleared by topic.restore, purged after UNDO_SECONDS.
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  index('topics_owner_updated_idx').on(t.ownerId, t.updatedAt),
  index('topics_deleted_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
])

/** Text search reads at most this much of a message (a tsvector holds at most 1 MB). */
export const SEARCH_CHARS = 100_000

export const messages = pgTable('messages', {
  id: text('id').primaryKey(),
  // Insertion order: timestamps can tie within a millisecond, this cannot.
  position: bigserial('position', { mode: 'number' }).notNull(),
  topicId: text('topic_id').notNull().references(() => topics.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ['user', 'assistant'] }).notNull(),
  content: text('content').notNull().default(''),
  status: text('status', { enum: ['streaming', 'complete', 'failed', 'stopped'] }).notNull(),
  seq: integer('seq').notNull().default(0),
  agentId: text('agent_id'),
  clientMessageId: text('client_message_id'),
  error: jsonb('error').$type<MessageError>(),
  usage: jsonb('usage').$type<Usage>(),
  // Versions form a tree: a message answers or follows its parent; an edit or a regenerate adds a
  // sibling. The active branch is one path from a root to a leaf, so its rows in position order
  // are the conversation. A purged parent hands its children to its own parent (storage/purge.ts).
  parentId: text('parent_id').references((): AnyPgColumn => messages.id, { onDelete: 'set null' }),
  active: boolean('active').notNull().default(true),
  // When it last joined the active branch: a switch to a version follows its most recent branch below.
  activeAt: timestamp('active_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  // Soft delete: set by message.delete, cleared by message.restore, purged after UNDO_SECONDS.
  deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date' }),
  ...timestamps,
}, t => [
  index('messages_topic_position_idx').on(t.topicId, t.position),
  index('messages_status_idx').on(t.status),
  index('messages_parent_idx').on(t.parentId),
  index('messages_deleted_idx').on(t.deletedAt).where(sql`${t.deletedAt} is not null`),
  // Full-text search (storage/search.ts): stemmed English words and exact words in any language.
  // A reply is indexed once it is written, not at every checkpoint while it streams.
  index('messages_search_english_idx').using('gin', sql`to_tsvector('english'::regconfig, left(${t.content}, ${sql.raw(String(SEARCH_CHARS))}))`).where(sql`${t.status} <> 'streaming'`),
  index('messages_search_simple_idx').using('gin', sql`to_tsvector('simple'::regconfig, left(${t.content}, ${sql.raw(String(SEARCH_CHARS))}))`).where(sql`${t.status} <> 'streaming'`),
])

export const tasks = pgTable('tasks', {
  id: text('id').primaryKey(),
  topicId: text('topic_id').notNull().references(() => topics.id, { onDelete: 'cascade' }),
  ownerId: text('owner_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  messageId: text('message_id').references(() => messages.id, { onDelete: 'set null' }),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  status: text('status', { enum: ['pending', 'running', 'completed', 'failed', 'cancelled'] }).notNull(),
  progress: real('progress'),
  input: jsonb('input').$type<unknown>(),
  result: jsonb('result').$type<TaskResult>(),
  error: jsonb('error').$type<MessageError>(),
  ...timestamps,
}, t => [
  index('tasks_topic_created_idx').on(t.topicId, t.createdAt),
  index('tasks_owner_idx').on(t.ownerId),
  index('tasks_message_idx').on(t.messageId),
  index('tasks_status_idx').on(t.status),
])

export const usersRelations = relations(users, ({ many }) => ({ sessions: many(sessions), topics: many(topics) }))
export const sessionsRelations = relations(sessions, ({ one }) => ({ user: one(users, { fields: [sessions.userId], references: [users.id] }) }))
export const topicsRelations = relations(topics, ({ one, many }) => ({
  owner: one(users, { fields: [topics.ownerId], references: [users.id] }),
  messages: many(messages),
  tasks: many(tasks),
}))
export const messagesRelations = relations(messages, ({ one }) => ({
  topic: one(topics, { fields: [messages.topicId], references: [topics.id] }),
  parent: one(messages, { fields: [messages.parentId], references: [messages.id] }),
}))
export const tasksRelations = relations(tasks, ({ one }) => ({ topic: one(topics, { fields: [tasks.topicId], references: [topics.id] }) }))

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type TopicRow = typeof topics.$inferSelect
export type MessageRow = typeof messages.$inferSelect
export type TaskRow = typeof tasks.$inferSelect
