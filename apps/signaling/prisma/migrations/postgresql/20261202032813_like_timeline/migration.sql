-- CreateTable
CREATE TABLE "broadcast_likes" (
    "id" TEXT NOT NULL,
    "broadcast_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "broadcast_likes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "broadcast_likes_broadcast_id_created_at_idx" ON "broadcast_likes"("broadcast_id", "created_at");

-- AddForeignKey
ALTER TABLE "broadcast_likes" ADD CONSTRAINT "broadcast_likes_broadcast_id_fkey" FOREIGN KEY ("broadcast_id") REFERENCES "broadcasts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "broadcast_likes" ADD CONSTRAINT "broadcast_likes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
