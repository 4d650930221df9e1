#include "store/Migrations.h"

namespace mg::store {

const std::vector<std::vector<std::string>>& migrations() {
  static const std::vector<std::vector<std::string>> kMigrations = {
      // v1: the foundation
      {
          R"(CREATE TABLE messages (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               source TEXT NOT NULL CHECK (source IN ('smtp','imap')),
               account_id INTEGER,
               status TEXT NOT NULL,
               message_id TEXT NOT NULL DEFAULT '',
               mail_from TEXT NOT NULL DEFAULT '',
               rcpt_to TEXT NOT NULL DEFAULT '',
               from_header TEXT NOT NULL DEFAULT '',
               to_header TEXT NOT NULL DEFAULT '',
               subject TEXT NOT NULL DEFAULT '',
               received_at INTEGER NOT NULL,
               size INTEGER NOT NULL,
               has_attachments INTEGER NOT NULL DEFAULT 0,
               content_hash TEXT NOT NULL,
               spool_name TEXT NOT NULL UNIQUE,
               current_version INTEGER NOT NULL DEFAULT 1,
               rule_id INTEGER,
               rule_name TEXT NOT NULL DEFAULT '',
               auto_release_at INTEGER NOT NULL DEFAULT 0,
               failure_reason TEXT NOT NULL DEFAULT '',
               attempts INTEGER NOT NULL DEFAULT 0,
               next_attempt_at INTEGER NOT NULL DEFAULT 0,
               release_to TEXT NOT NULL DEFAULT '',
               released_at INTEGER NOT NULL DEFAULT 0,
               updated_at INTEGER NOT NULL,
               imap_uid INTEGER NOT NULL DEFAULT 0,
               imap_uidvalidity INTEGER NOT NULL DEFAULT 0))",
          "CREATE INDEX messages_status ON messages(status, id)",
          "CREATE INDEX messages_hash ON messages(content_hash)",
          "CREATE INDEX messages_auto_release ON messages(status, auto_release_at)",
          R"(CREATE TABLE message_versions (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               email_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
               version INTEGER NOT NULL,
               spool_name TEXT NOT NULL UNIQUE,
               content_hash TEXT NOT NULL,
               size INTEGER NOT NULL,
               created_at INTEGER NOT NULL,
               created_by TEXT NOT NULL,
               UNIQUE (email_id, version)))",
          R"(CREATE TABLE relays (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               email_id INTEGER NOT NULL,
               upstream TEXT NOT NULL,
               at INTEGER NOT NULL,
               ok INTEGER NOT NULL,
               reply TEXT NOT NULL))",
          "CREATE INDEX relays_email ON relays(email_id)",
          R"(CREATE TABLE audit (
               seq INTEGER PRIMARY KEY AUTOINCREMENT,
               at INTEGER NOT NULL,
               user TEXT NOT NULL,
               action TEXT NOT NULL,
               email_id INTEGER,
               details TEXT NOT NULL,
               prev_hash TEXT NOT NULL,
               hash TEXT NOT NULL))",
          R"(CREATE TABLE users (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               username TEXT NOT NULL UNIQUE,
               password_hash TEXT NOT NULL,
               role TEXT NOT NULL CHECK (role IN ('admin','reviewer')),
               created_at INTEGER NOT NULL))",
          R"(CREATE TABLE tokens (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               name TEXT NOT NULL,
               token_hash TEXT NOT NULL UNIQUE,
               role TEXT NOT NULL CHECK (role IN ('admin','reviewer')),
               created_by TEXT NOT NULL,
               created_at INTEGER NOT NULL,
               last_used_at INTEGER NOT NULL DEFAULT 0))",
          R"(CREATE TABLE notifications (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               type TEXT NOT NULL,
               severity TEXT NOT NULL CHECK (severity IN ('critical','warning','info')),
               message TEXT NOT NULL,
               email_id INTEGER,
               created_at INTEGER NOT NULL,
               acknowledged INTEGER NOT NULL DEFAULT 0))",
          R"(CREATE TABLE rules (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               name TEXT NOT NULL,
               scope TEXT NOT NULL CHECK (scope IN ('smtp','imap','all')),
               account_id INTEGER,
               match_json TEXT NOT NULL,
               action TEXT NOT NULL CHECK (action IN ('hold','pass')),
               auto_release_minutes INTEGER NOT NULL DEFAULT 0,
               priority INTEGER NOT NULL DEFAULT 100,
               enabled INTEGER NOT NULL DEFAULT 1,
               created_at INTEGER NOT NULL))",
      },
      // v2: IMAP accounts and the watcher's per-account position. The password column holds
      // only a crypto::SecretBox blob (sealed under the device key, bound to the account id);
      // a name is unique without regard to case, as operators read "Work" and "work" as one.
      {
          R"(CREATE TABLE accounts (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               name TEXT NOT NULL UNIQUE COLLATE NOCASE,
               host TEXT NOT NULL,
               port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
               tls TEXT NOT NULL CHECK (tls IN ('implicit','starttls','none')),
               username TEXT NOT NULL,
               password_sealed TEXT NOT NULL,
               quarantine_folder TEXT NOT NULL DEFAULT 'Quarantine',
               intercept TEXT NOT NULL DEFAULT 'rules' CHECK (intercept IN ('all','rules','off')),
               enabled INTEGER NOT NULL DEFAULT 1,
               created_at INTEGER NOT NULL,
               updated_at INTEGER NOT NULL,
               last_test_ok_at INTEGER NOT NULL DEFAULT 0,
               last_test_at INTEGER NOT NULL DEFAULT 0))",
          R"(CREATE TABLE watcher_state (
               account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
               uidvalidity INTEGER NOT NULL,
               last_uid INTEGER NOT NULL,
               updated_at INTEGER NOT NULL))",
          "CREATE INDEX messages_account ON messages(account_id, status)",
      },
      // v3: where an IMAP message sits in its account's Quarantine folder (UIDVALIDITY + UID
      // from COPYUID) beside where it came from in INBOX (imap_uid/imap_uidvalidity, the
      // watcher's dedupe key); 0 until the move is recorded.
      {
          "ALTER TABLE messages ADD COLUMN imap_folder_uid INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE messages ADD COLUMN imap_folder_uidvalidity INTEGER NOT NULL DEFAULT 0",
          "CREATE INDEX messages_imap_origin ON messages(account_id, imap_uidvalidity, imap_uid)",
      },
      // v4: how SMTP mail reached the gate (HELO name, client address, "with" protocol), for
      // the Received: header the relay prepends; SMTPUTF8 transactions; and what the content
      // limits hid or why a message was not parsed at all (shown to the reviewer).
      {
          "ALTER TABLE messages ADD COLUMN smtp_helo TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE messages ADD COLUMN smtp_client TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE messages ADD COLUMN smtp_protocol TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE messages ADD COLUMN smtputf8 INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE messages ADD COLUMN parsed INTEGER NOT NULL DEFAULT 1",
          "ALTER TABLE messages ADD COLUMN content_note TEXT NOT NULL DEFAULT ''",
      },
      // v5: where a watcher starts without a gap. Below floor_until_uid only INBOX mail with an
      // INTERNALDATE at or after floor_at (ms) is taken: mail that was there before the account
      // was added (or before the last heartbeat, after a UIDVALIDITY change) stays. take_existing
      // asks the next start to take all INBOX mail once.
      {
          "ALTER TABLE watcher_state ADD COLUMN floor_at INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE watcher_state ADD COLUMN floor_until_uid INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE watcher_state ADD COLUMN take_existing INTEGER NOT NULL DEFAULT 0",
      },
      // v6: one row the health check rewrites now and then (the store check is a write, not
      // only a read: a database that opens but cannot commit is a failed store).
      {
          "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), written_at INTEGER NOT NULL)",
      },
      // v7: the optional second factor. totp_secret and totp_pending are SecretBox blobs ('' is
      // none); totp_last_step is the last TOTP step that logged in (never accepted again);
      // recovery_codes holds the SHA-256 hex of each unused recovery code, comma-separated.
      {
          "ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT ''",
          "ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE users ADD COLUMN recovery_codes TEXT NOT NULL DEFAULT ''",
      },
  };
  return kMigrations;
}

}  // namespace mg::store
