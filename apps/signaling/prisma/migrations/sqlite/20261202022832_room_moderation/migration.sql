-- CreateTable
CREATE TABLE "room_moderation" (
    "room_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "banned_until" DATETIME,
    "muted" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("room_id", "user_id"),
    CONSTRAINT "room_moderation_room_id_fkey" FOREIGN KEY ("room_id") REFERENCES "rooms" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "room_moderation_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_rooms" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" DATETIME,
    "moderated" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "rooms_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_rooms" ("closed_at", "created_at", "id", "kind", "name", "owner_id") SELECT "closed_at", "created_at", "id", "kind", "name", "owner_id" FROM "rooms";
DROP TABLE "rooms";
ALTER TABLE "new_rooms" RENAME TO "rooms";
CREATE INDEX "rooms_owner_id_idx" ON "rooms"("owner_id");
CREATE INDEX "rooms_closed_at_kind_created_at_idx" ON "rooms"("closed_at", "kind", "created_at");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "room_moderation_user_id_idx" ON "room_moderation"("user_id");
