//! The workspace database: essays with their rows and text, batches, users, sessions and the
//! decisions (also kept in the tamper-evident log, which is the authority; see `decisions`).
//!
//! SQLite in WAL mode with `synchronous=FULL`: a write that returned is on disk, so a kill -9
//! after an acknowledgement loses nothing.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use super::ServeError;
use crate::Assessment;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS essays(
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,
    batch INTEGER,
    row TEXT NOT NULL,
    light TEXT NOT NULL,
    text TEXT,
    added INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS batches(
    id INTEGER PRIMARY KEY,
    label TEXT NOT NULL,
    started INTEGER NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    message TEXT
);
CREATE TABLE IF NOT EXISTS users(
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions(
    token_hash TEXT PRIMARY KEY,
    user TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions(
    seq INTEGER PRIMARY KEY,
    essay_id INTEGER,
    file TEXT NOT NULL,
    previous TEXT,
    grade TEXT NOT NULL,
    reason TEXT NOT NULL,
    by TEXT NOT NULL,
    at TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_essay ON decisions(essay_id);
CREATE TABLE IF NOT EXISTS removed(
    file TEXT NOT NULL,
    sha256 TEXT,
    by TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS copies(
    a INTEGER NOT NULL,
    b INTEGER NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY(a, b)
);
CREATE TABLE IF NOT EXISTS settings(
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
";

/// A user of the web app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The sign-in name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
}

/// What a user may do: reviewers read and override; admins also upload and manage users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads essays, searches, overrides grades and downloads reports.
    Reviewer,
    /// A reviewer who may also upload essays and rosters, remove essays and manage users.
    Admin,
}

impl Role {
    /// The role's stable id ("reviewer", "admin"), as stored in the database and written in
    /// forms and the API.
    pub fn id(self) -> &'static str {
        match self {
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }

    /// The role of an id written by [`Role::id`]; `None` for anything else.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "reviewer" => Some(Role::Reviewer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// The role's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Reviewer => "người chấm duyệt",
            Role::Admin => "quản trị",
        }
    }
}

/// A recorded override of an essay's grade.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Decision {
    /// Position in the decisions log, from 1.
    pub seq: u64,
    /// The workspace's id of the essay; `None` when the log names a file the workspace does
    /// not hold.
    pub essay_id: Option<i64>,
    /// The essay's file, as its result row names it.
    pub file: String,
    /// The grade before this decision (the machine's or an earlier decision's).
    pub previous: Option<String>,
    /// The committee's grade id.
    pub grade: String,
    /// Why, as the decider wrote it (required).
    pub reason: String,
    /// Who decided: the web app's user, or the name given to `thuhoach override --by`.
    pub by: String,
    /// UTC time, RFC 3339.
    pub at: String,
    /// The log entry's hash (chained to the previous entry's).
    pub hash: String,
}

/// A valid session: who, the CSRF token of its forms, when it ends (seconds since the epoch).
#[derive(Debug, Clone)]
pub struct Session {
    /// The signed-in user, with their current role.
    pub user: User,
    /// The token every form of the session must carry.
    pub csrf: String,
    /// When the session ends, in seconds since the Unix epoch.
    pub expires: i64,
}

/// A batch of imported essays (start-up paths or an upload) and its progress.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The batch's id in the database.
    pub id: i64,
    /// What was imported, for people: the uploaded files' names, or "Nhập khi khởi động" for
    /// the start-up paths.
    pub label: String,
    /// Essays in the batch; 0 until they are known (an upload is read first).
    pub total: i64,
    /// Essays graded and stored so far, failed ones included.
    pub done: i64,
    /// Essays among `done` that could not be read (their rows carry an error).
    pub failed: i64,
    /// `running`, `done`, `failed` (see `message`), or `interrupted` (the server stopped
    /// while it ran).
    pub status: String,
    /// Why the batch failed, when its status is `failed`.
    pub message: Option<String>,
}

/// One essay as stored.
pub struct StoredEssay {
    /// The essay's id in the workspace.
    pub id: i64,
    /// The full result row, evidence included.
    pub row: Assessment,
    /// The essay's text as read; `None` when it could not be read.
    pub text: Option<String>,
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A connection to the workspace database (`thuhoach.sqlite`): the writing one from
/// [`Store::open`] or a read-only one from [`Store::open_reader`]. The [`Workspace`] holds
/// one writing connection and a pool of readers.
///
/// [`Workspace`]: super::Workspace
pub struct Store {
    conn: Connection,
}

fn json_error(e: serde_json::Error) -> ServeError {
    ServeError::Data(format!("dữ liệu hỏng trong cơ sở dữ liệu: {e}"))
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Store, ServeError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn })
    }

    /// Opens a read-only connection to the database at `path`, already created by
    /// [`Store::open`]. In WAL mode readers do not block each other nor the writer, and see
    /// every committed write.
    pub fn open_reader(path: &Path) -> Result<Store, ServeError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "query_only", "ON")?;
        Ok(Store { conn })
    }

    /// Inserts or replaces essays (by file) in one transaction; returns their ids in order.
    pub fn put_essays(
        &mut self,
        batch: Option<i64>,
        items: &[(Assessment, Option<String>)],
    ) -> Result<Vec<i64>, ServeError> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(items.len());
        {
            let mut upsert = tx.prepare(
                "INSERT INTO essays(file, batch, row, light, text, added) VALUES(?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(file) DO UPDATE SET batch = excluded.batch, row = excluded.row,
                   light = excluded.light, text = excluded.text, added = excluded.added
                 RETURNING id",
            )?;
            for (row, text) in items {
                let full = serde_json::to_string(row).map_err(json_error)?;
                let light = serde_json::to_string(&light_row(row)).map_err(json_error)?;
                let id: i64 = upsert
                    .query_row(params![row.file, batch, full, light, text, now()], |r| {
                        r.get(0)
                    })?;
                ids.push(id);
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Every essay's light row (no evidence), with its id, by id.
    pub fn light_rows(&self) -> Result<Vec<(i64, Assessment)>, ServeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, light FROM essays ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, light) = row?;
            out.push((id, serde_json::from_str(&light).map_err(json_error)?));
        }
        Ok(out)
    }

    /// Every essay's full row and text (for rebuilding the index), by id.
    pub fn essays_with_text(&self, ids: &[i64]) -> Result<Vec<StoredEssay>, ServeError> {
        ids.iter()
            .filter_map(|&id| self.essay(id).transpose())
            .collect()
    }

    /// One essay's full row and text; `None` when there is no essay `id`.
    pub fn essay(&self, id: i64) -> Result<Option<StoredEssay>, ServeError> {
        let found: Option<(String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT row, text FROM essays WHERE id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        found
            .map(|(row, text)| {
                Ok(StoredEssay {
                    id,
                    row: serde_json::from_str(&row).map_err(json_error)?,
                    text,
                })
            })
            .transpose()
    }

    /// Every full row, by id (for reports and the results download).
    pub fn full_rows(&self) -> Result<Vec<(i64, Assessment)>, ServeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, row FROM essays ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, full) = row?;
            out.push((id, serde_json::from_str(&full).map_err(json_error)?));
        }
        Ok(out)
    }

    /// Starts a batch (status `running`) of `total` essays; returns its id.
    pub fn new_batch(&self, label: &str, total: i64) -> Result<i64, ServeError> {
        self.conn.execute(
            "INSERT INTO batches(label, started, total, status) VALUES(?1, ?2, ?3, 'running')",
            params![label, now(), total],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records a batch's progress, status and message (see [`Batch`]).
    pub fn update_batch(
        &self,
        id: i64,
        total: i64,
        done: i64,
        failed: i64,
        status: &str,
        message: Option<&str>,
    ) -> Result<(), ServeError> {
        self.conn.execute(
            "UPDATE batches SET total = ?2, done = ?3, failed = ?4, status = ?5, message = ?6 WHERE id = ?1",
            params![id, total, done, failed, status, message],
        )?;
        Ok(())
    }

    /// A batch and its progress; `None` when there is no batch `id`.
    pub fn batch(&self, id: i64) -> Result<Option<Batch>, ServeError> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, label, total, done, failed, status, message FROM batches WHERE id = ?1",
                params![id],
                |r| {
                    Ok(Batch {
                        id: r.get(0)?,
                        label: r.get(1)?,
                        total: r.get(2)?,
                        done: r.get(3)?,
                        failed: r.get(4)?,
                        status: r.get(5)?,
                        message: r.get(6)?,
                    })
                },
            )
            .optional()?)
    }

    /// Batches a kill interrupted are marked so, on start.
    pub fn close_interrupted_batches(&self) -> Result<(), ServeError> {
        self.conn.execute(
            "UPDATE batches SET status = 'interrupted' WHERE status = 'running'",
            [],
        )?;
        Ok(())
    }

    /// Adds a user, or replaces the role and password hash (argon2, PHC string) of an
    /// existing one. Names are not checked here.
    pub fn add_user(&self, name: &str, role: Role, hash: &str) -> Result<(), ServeError> {
        self.conn.execute(
            "INSERT INTO users(name, role, hash, created) VALUES(?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, hash = excluded.hash",
            params![name, role.id(), hash, now()],
        )?;
        Ok(())
    }

    /// The user's role and password hash.
    pub fn user(&self, name: &str) -> Result<Option<(Role, String)>, ServeError> {
        let found: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT role, hash FROM users WHERE name = ?1",
                params![name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(found.and_then(|(role, hash)| Some((Role::parse(&role)?, hash))))
    }

    /// Every user `(name, role, created)`, by name.
    pub fn users(&self) -> Result<Vec<(String, Role, i64)>, ServeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, role, created FROM users ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, role, created) = row?;
            if let Some(role) = Role::parse(&role) {
                out.push((name, role, created));
            }
        }
        Ok(out)
    }

    /// Sets a user's password and ends their sessions; false when there is no such user.
    pub fn set_password(&mut self, name: &str, hash: &str) -> Result<bool, ServeError> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE users SET hash = ?2 WHERE name = ?1",
            params![name, hash],
        )?;
        tx.execute("DELETE FROM sessions WHERE user = ?1", params![name])?;
        tx.commit()?;
        Ok(changed > 0)
    }

    /// Removes a user and their sessions; false when there is no such user.
    pub fn remove_user(&mut self, name: &str) -> Result<bool, ServeError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM sessions WHERE user = ?1", params![name])?;
        let removed = tx.execute("DELETE FROM users WHERE name = ?1", params![name])?;
        tx.commit()?;
        Ok(removed > 0)
    }

    /// Deletes an essay and its near-duplicate pairs, recording who removed it and why.
    pub fn remove_essay(
        &mut self,
        id: i64,
        file: &str,
        sha256: Option<&str>,
        by: &str,
        reason: &str,
    ) -> Result<(), ServeError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO removed(file, sha256, by, at, reason) VALUES(?1, ?2, ?3, ?4, ?5)",
            params![file, sha256, by, now(), reason],
        )?;
        tx.execute("DELETE FROM essays WHERE id = ?1", params![id])?;
        tx.execute("DELETE FROM copies WHERE a = ?1 OR b = ?1", params![id])?;
        tx.commit()?;
        Ok(())
    }

    /// Essays removed `(file, by, at, reason)`, the latest first.
    pub fn removed(&self) -> Result<Vec<(String, String, i64, String)>, ServeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT file, by, at, reason FROM removed ORDER BY rowid DESC")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The number of users with `role`, or of all users when `None`.
    pub fn count_users(&self, role: Option<Role>) -> Result<i64, ServeError> {
        Ok(match role {
            Some(role) => self.conn.query_row(
                "SELECT COUNT(*) FROM users WHERE role = ?1",
                params![role.id()],
                |r| r.get(0),
            )?,
            None => self
                .conn
                .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?,
        })
    }

    /// Records a new session (its token's SHA-256, hex) for `user`, and deletes the
    /// sessions that have expired.
    pub fn add_session(
        &self,
        token_hash: &str,
        user: &str,
        csrf: &str,
        expires: i64,
    ) -> Result<(), ServeError> {
        self.conn.execute(
            "INSERT INTO sessions(token_hash, user, csrf, expires) VALUES(?1, ?2, ?3, ?4)",
            params![token_hash, user, csrf, expires],
        )?;
        self.conn
            .execute("DELETE FROM sessions WHERE expires < ?1", params![now()])?;
        Ok(())
    }

    /// The signed-in user and the session's CSRF token, if the session is valid.
    pub fn session(&self, token_hash: &str) -> Result<Option<Session>, ServeError> {
        let found: Option<(String, String, String, i64)> = self
            .conn
            .prepare_cached(
                "SELECT s.user, u.role, s.csrf, s.expires FROM sessions s JOIN users u ON u.name = s.user
                 WHERE s.token_hash = ?1 AND s.expires >= ?2",
            )?
            .query_row(params![token_hash, now()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?;
        Ok(found.and_then(|(name, role, csrf, expires)| {
            Some(Session {
                user: User {
                    name,
                    role: Role::parse(&role)?,
                },
                csrf,
                expires,
            })
        }))
    }

    /// Ends a session (sign-out), by its token's hash.
    pub fn delete_session(&self, token_hash: &str) -> Result<(), ServeError> {
        self.conn.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![token_hash],
        )?;
        Ok(())
    }

    /// Records a decision already written to the log (idempotent on `seq`).
    pub fn put_decision(&self, d: &Decision) -> Result<(), ServeError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO decisions(seq, essay_id, file, previous, grade, reason, by, at, hash)
             VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![d.seq as i64, d.essay_id, d.file, d.previous, d.grade, d.reason, d.by, d.at, d.hash],
        )?;
        Ok(())
    }

    /// Every decision, in log order.
    pub fn decisions(&self) -> Result<Vec<Decision>, ServeError> {
        self.decisions_where("1", None)
    }

    /// The decisions about one essay, in log order.
    pub fn decisions_of(&self, essay_id: i64) -> Result<Vec<Decision>, ServeError> {
        self.decisions_where("essay_id = ?1", Some(essay_id))
    }

    fn decisions_where(&self, cond: &str, id: Option<i64>) -> Result<Vec<Decision>, ServeError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT seq, essay_id, file, previous, grade, reason, by, at, hash FROM decisions WHERE {cond} ORDER BY seq",
        ))?;
        let params: Vec<i64> = id.into_iter().collect();
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            Ok(Decision {
                seq: r.get::<_, i64>(0)? as u64,
                essay_id: r.get(1)?,
                file: r.get(2)?,
                previous: r.get(3)?,
                grade: r.get(4)?,
                reason: r.get(5)?,
                by: r.get(6)?,
                at: r.get(7)?,
                hash: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Replaces the near-duplicate pairs `(essay a, essay b, similarity)`.
    pub fn replace_copies(&mut self, pairs: &[(i64, i64, f64)]) -> Result<(), ServeError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM copies", [])?;
        {
            let mut insert =
                tx.prepare("INSERT OR REPLACE INTO copies(a, b, similarity) VALUES(?1, ?2, ?3)")?;
            for (a, b, s) in pairs {
                insert.execute(params![a, b, s])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The near-duplicate pairs `(essay a, essay b, similarity)`.
    pub fn copies(&self) -> Result<Vec<(i64, i64, f64)>, ServeError> {
        let mut stmt = self.conn.prepare("SELECT a, b, similarity FROM copies")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every essay's file and text, by id (essays read without error).
    pub fn texts(&self) -> Result<Vec<(i64, String, String)>, ServeError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, file, text FROM essays WHERE text IS NOT NULL ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// One essay's text.
    pub fn text(&self, id: i64) -> Result<Option<String>, ServeError> {
        Ok(self
            .conn
            .prepare_cached("SELECT text FROM essays WHERE id = ?1")?
            .query_row(params![id], |r| r.get(0))
            .optional()?
            .flatten())
    }

    /// Stores a workspace setting (roster bytes, markers), replacing its earlier value.
    pub fn set_setting(&self, key: &str, value: &[u8]) -> Result<(), ServeError> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES(?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Removes a workspace setting; nothing happens when it is not set.
    pub fn delete_setting(&self, key: &str) -> Result<(), ServeError> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", params![key])?;
        Ok(())
    }

    /// A workspace setting's value; `None` when it is not set.
    pub fn setting(&self, key: &str) -> Result<Option<Vec<u8>>, ServeError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )
            .optional()?)
    }
}

/// A row without what only the essay page needs (evidence, parts, signals), for the lists and
/// the dashboard held in memory.
pub fn light_row(row: &Assessment) -> Assessment {
    let mut light = row.clone();
    light.themes.clear();
    light.parts.clear();
    light.criteria.clear();
    light.signals = None;
    light.originality = None;
    light.notes.clear();
    light
}
