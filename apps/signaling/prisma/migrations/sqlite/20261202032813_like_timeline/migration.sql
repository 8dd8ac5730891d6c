-- CreateTable
CREATE TABLE "broadcast_likes" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "broadcast_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "broadcast_likes_broadcast_id_fkey" FOREIGN KEY ("broadcast_id") REFERENCES "broadcasts" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "broadcast_likes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "broadcast_likes_broadcast_id_created_at_idx" ON "broadcast_likes"("broadcast_id", "created_at");
