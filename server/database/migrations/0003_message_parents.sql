-- Messages stored before versions existed form one line per topic: each follows the one before it.
UPDATE "messages" AS "m" SET "parent_id" = "p"."prev"
FROM (SELECT "id", lag("id") OVER (PARTITION BY "topic_id" ORDER BY "position") AS "prev" FROM "messages") AS "p"
WHERE "p"."id" = "m"."id" AND "p"."prev" IS NOT NULL;
