-- AlterTable
ALTER TABLE "users" ADD COLUMN "deleted_at" DATETIME;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN "device" TEXT;
