-- AlterTable
ALTER TABLE "rooms" ADD COLUMN     "moderated" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "room_moderation" (
    "room_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "banned_until" TIMESTAMP(3),
    "muted" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "room_moderation_pkey" PRIMARY KEY ("room_id","user_id")
);

-- CreateIndex
CREATE INDEX "room_moderation_user_id_idx" ON "room_moderation"("user_id");

-- AddForeignKey
ALTER TABLE "room_moderation" ADD CONSTRAINT "room_moderation_room_id_fkey" FOREIGN KEY ("room_id") REFERENCES "rooms"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "room_moderation" ADD CONSTRAINT "room_moderation_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
