/**
 * The SQLite schema, as numbered migrations. The version lives in `PRAGMA user_version`; start-up
 * runs the missing migrations in order, each in its own transaction. Append new ones at the end;
 * never edit one that has shipped.
 */
export interface Migration {
  version: number;
  /** What the migration does, for the log line. */
  what: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: "watches, seen keys, audit trail",
    sql: `
      CREATE TABLE watches (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL,
        history_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX watches_by_history ON watches (project_id, history_id);
      CREATE INDEX watches_by_age ON watches (created_at);

      CREATE TABLE seen_keys (
        key TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX seen_keys_by_expiry ON seen_keys (expires_at);

      CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        detail TEXT
      );
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    `,
  },
  {
    version: 2,
    what: "channel subscriptions and their cursors",
    sql: `
      CREATE TABLE subscriptions (
        channel_id TEXT NOT NULL,
        project_id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (channel_id, project_id)
      ) WITHOUT ROWID;
      CREATE INDEX subscriptions_by_project ON subscriptions (project_id);

      CREATE TABLE subscription_cursors (
        project_id TEXT PRIMARY KEY,
        history_id TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
