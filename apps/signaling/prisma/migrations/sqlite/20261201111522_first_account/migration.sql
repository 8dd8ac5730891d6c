-- AlterTable
ALTER TABLE "users" ADD COLUMN "first_account" BOOLEAN;

-- CreateIndex
CREATE UNIQUE INDEX "users_first_account_key" ON "users"("first_account");
