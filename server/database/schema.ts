// One table per concept; every foreign key has an index; row types are exported for the services.
import { relations } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp } from 'drizzle-orm/pg-core'
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
  ...timestamps,
}, t => [index('topics_owner_updated_idx').on(t.ownerId, t.updatedAt)])

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
  ...timestamps,
}, t => [
  index('messages_topic_position_idx').on(t.topicId, t.position),
  index('messages_status_idx').on(t.status),
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
export const messagesRelations = relations(messages, ({ one }) => ({ topic: one(topics, { fields: [messages.topicId], references: [topics.id] }) }))
export const tasksRelations = relations(tasks, ({ one }) => ({ topic: one(topics, { fields: [tasks.topicId], references: [topics.id] }) }))

export type UserRow = typeof users.$inferSelect
export type SessionRow = typeof sessions.$inferSelect
export type TopicRow = typeof topics.$inferSelect
export type MessageRow = typeof messages.$inferSelect
export type TaskRow = typeof tasks.$inferSelect
