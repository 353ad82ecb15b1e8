ALTER TABLE "messages" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "active" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "active_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "topics" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_parent_id_messages_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."messages"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_parent_idx" ON "messages" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "messages_deleted_idx" ON "messages" USING btree ("deleted_at") WHERE "messages"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "messages_search_english_idx" ON "messages" USING gin (to_tsvector('english'::regconfig, left("content", 100000))) WHERE "messages"."status" <> 'streaming';--> statement-breakpoint
CREATE INDEX "messages_search_simple_idx" ON "messages" USING gin (to_tsvector('simple'::regconfig, left("content", 100000))) WHERE "messages"."status" <> 'streaming';--> statement-breakpoint
CREATE INDEX "topics_deleted_idx" ON "topics" USING btree ("deleted_at") WHERE "topics"."deleted_at" is not null;