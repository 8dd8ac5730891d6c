-- CreateTable
CREATE TABLE "library_agents" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "owner_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "library_agents_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "library_grants" (
    "agent_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("agent_id", "user_id"),
    CONSTRAINT "library_grants_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "library_agents" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "library_grants_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "library_agents_token_hash_key" ON "library_agents"("token_hash");

-- CreateIndex
CREATE INDEX "library_agents_owner_id_idx" ON "library_agents"("owner_id");

-- CreateIndex
CREATE INDEX "library_grants_user_id_idx" ON "library_grants"("user_id");
