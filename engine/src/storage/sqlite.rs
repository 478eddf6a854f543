//! The SQLite instance store ([`SqliteStore`]): one file, `./bpmn.db` by
//! default, with the library of specs, the instances and their task logs.
//!
//! The schema is versioned with `PRAGMA user_version` and migrated step by
//! step (`MIGRATIONS`); the file is marked as ours with
//! `PRAGMA application_id`. A file that is not SQLite, another program's
//! database, or a store of a newer schema is refused before anything is
//! written to it. Writes are `BEGIN IMMEDIATE` transactions (one writer at
//! a time, others wait up to `BUSY_TIMEOUT`), and an instance row carries a
//! revision that a save must name, so two processes never lose an update.
//! The file is in write-ahead-log mode (`bpmn.db-wal` and `bpmn.db-shm`
//! beside it while in use), with every commit synced.

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::store::{
    Added, DeliveryKind, InstanceId, InstanceInfo, InstanceSave, InstanceStatus, LogEntry, NewSpec,
    QueueId, Queued, Spec, SpecFile, SpecId, SpecInfo, SpecTarget, Store, StoreError,
    StoredInstance,
};
use super::store_rows::{
    due_at, files_of, is_next_occurrence, lease_end, live_claim, micros, parse_state, parse_time,
    queued_row, state_text, target_parts, time_text,
};

/// `PRAGMA application_id` of a bpmn-runner store ("BPMN").
const APPLICATION_ID: i64 = 0x4250_4D4E;

/// How long a write waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: specs with their files, instances, the task log.
    "CREATE TABLE specs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('process', 'collaboration')),
        target TEXT NOT NULL,
        version INTEGER NOT NULL,
        dialect TEXT,
        added TEXT NOT NULL,
        UNIQUE (kind, target, version)
    );
    CREATE TABLE spec_files (
        spec INTEGER NOT NULL REFERENCES specs (id),
        position INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('bpmn', 'dmn')),
        path TEXT NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (spec, position)
    );
    CREATE TABLE instances (
        id INTEGER PRIMARY KEY,
        spec INTEGER NOT NULL REFERENCES specs (id),
        status TEXT NOT NULL,
        started TEXT NOT NULL,
        updated TEXT NOT NULL,
        revision INTEGER NOT NULL,
        state BLOB NOT NULL
    );
    CREATE INDEX instances_status ON instances (status);
    CREATE TABLE task_log (
        instance INTEGER NOT NULL REFERENCES instances (id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        task TEXT NOT NULL,
        bpmn_id TEXT NOT NULL,
        name TEXT,
        from_state TEXT,
        to_state TEXT,
        PRIMARY KEY (instance, seq)
    );",
    // 1 → 2: how many occurrences of each timer start event of a spec
    // version `bpmn tick` has started (so a second tick starts none twice).
    "CREATE TABLE timer_starts (
        spec INTEGER NOT NULL REFERENCES specs (id),
        start_event TEXT NOT NULL,
        started INTEGER NOT NULL,
        PRIMARY KEY (spec, start_event)
    );",
    // 2 → 3: workers. When each instance is next due (microseconds since
    // 1970; NULL: nothing to do until something from outside) and which
    // worker holds it until when; the queue of messages and signals for
    // stored instances. Instances from before are due at once, so a
    // worker computes their real due time.
    "ALTER TABLE instances ADD COLUMN due_at INTEGER;
    ALTER TABLE instances ADD COLUMN holder TEXT;
    ALTER TABLE instances ADD COLUMN claim_until INTEGER;
    UPDATE instances SET due_at = 0 WHERE status <> 'completed';
    CREATE INDEX instances_due ON instances (due_at) WHERE due_at IS NOT NULL;
    CREATE TABLE queue (
        id INTEGER PRIMARY KEY,
        instance INTEGER NOT NULL REFERENCES instances (id),
        kind TEXT NOT NULL CHECK (kind IN ('message', 'signal')),
        name TEXT NOT NULL,
        payload TEXT NOT NULL,
        queued TEXT NOT NULL,
        seen_revision INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX queue_instance ON queue (instance, id);",
];

/// The schema version this build writes.
pub const STORE_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// An instance store in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens the store at `path`, creating it (and its schema) when the file
    /// does not exist and `create` is set; without `create`, a missing file
    /// is [`StoreError::Missing`]. An older schema is migrated; anything
    /// else unusable is refused untouched.
    pub fn open(path: &Path, create: bool) -> Result<SqliteStore, StoreError> {
        let exists = path.exists();
        if !exists && !create {
            return Err(StoreError::Missing {
                path: path.to_path_buf(),
            });
        }
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            detail,
        };
        if exists {
            check_header(path).map_err(corrupt)?;
        }
        let flags = if create {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| corrupt(e.to_string()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| corrupt(e.to_string()))?;
        let mut store = SqliteStore {
            conn,
            path: path.to_path_buf(),
        };
        store.prepare_schema()?;
        // Write-ahead logging: one fsync per commit instead of several
        // (about 4 ms instead of 18 on this project's test machine), and
        // readers never wait for a writer. `synchronous = FULL` keeps a
        // commit durable once the command has said it is done. Set only
        // now that the file is known to be ours.
        store
            .conn
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| store.conn.pragma_update(None, "synchronous", "FULL"))
            .map_err(store.sql())?;
        Ok(store)
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        sql_error(self.path.clone())
    }

    /// Checks the file is ours (or empty) and of a schema this build reads,
    /// then migrates an older schema, all in one write transaction.
    fn prepare_schema(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let corrupt = |detail: String| StoreError::Corrupt {
            path: path.clone(),
            detail,
        };
        let read = |conn: &Connection| -> rusqlite::Result<(i64, i64, i64)> {
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let tables: i64 = conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )?;
            Ok((version, app, tables))
        };
        let (version, app, tables) = read(&self.conn).map_err(|e| corrupt(e.to_string()))?;
        check_identity(version, app, tables).map_err(&corrupt)?;
        if version > STORE_SCHEMA_VERSION {
            return Err(StoreError::Newer {
                path: self.path.clone(),
                version,
                supported: STORE_SCHEMA_VERSION,
            });
        }
        if version == STORE_SCHEMA_VERSION {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| corrupt(e.to_string()))?;
        // Another process may have migrated while this one waited.
        let (version, app, tables) = read(&tx).map_err(|e| corrupt(e.to_string()))?;
        check_identity(version, app, tables).map_err(&corrupt)?;
        for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(step)
                .and_then(|_| tx.pragma_update(None, "user_version", i as i64 + 1))
                .map_err(|e| corrupt(format!("migrating the schema to version {}: {e}", i + 1)))?;
        }
        tx.pragma_update(None, "application_id", APPLICATION_ID)
            .map_err(|e| corrupt(e.to_string()))?;
        tx.commit().map_err(|e| corrupt(e.to_string()))
    }

    fn spec_info(&self, id: SpecId) -> Result<SpecInfo, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, name, kind, target, version, added FROM specs WHERE id = ?1",
                [id],
                spec_row,
            )
            .optional()
            .map_err(self.sql())?;
        let Some(row) = row else {
            return Err(StoreError::NoSpec(id.to_string()));
        };
        let mut info = row?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT path FROM spec_files WHERE spec = ?1 ORDER BY position")
            .map_err(self.sql())?;
        info.files = stmt
            .query_map([id], |r| r.get::<_, String>(0).map(PathBuf::from))
            .and_then(|rows| rows.collect())
            .map_err(self.sql())?;
        Ok(info)
    }

    fn spec_files(&self, id: SpecId) -> Result<(Vec<SpecFile>, Vec<SpecFile>), StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT kind, path, text FROM spec_files WHERE spec = ?1 ORDER BY position",
            )
            .map_err(self.sql())?;
        let rows: Vec<(String, String, String)> = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(|rows| rows.collect())
            .map_err(self.sql())?;
        let (mut bpmn, mut dmn) = (Vec::new(), Vec::new());
        for (kind, path, text) in rows {
            let f = SpecFile {
                path: PathBuf::from(path),
                text,
            };
            if kind == "dmn" { &mut dmn } else { &mut bpmn }.push(f);
        }
        Ok((bpmn, dmn))
    }

    fn instance_info(&self, id: InstanceId) -> Result<InstanceInfo, StoreError> {
        let row = self
            .conn
            .query_row(
                &format!("{INSTANCE_SELECT} WHERE i.id = ?1"),
                [id],
                instance_row,
            )
            .optional()
            .map_err(self.sql())?;
        row.ok_or(StoreError::NoInstance(id))?
    }
}

/// Turns an SQLite failure on the store at `path` into a [`StoreError`]
/// naming it (for `map_err` while a transaction borrows the connection).
fn sql_error(path: PathBuf) -> impl Fn(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite {
        path: path.clone(),
        source,
    }
}

/// The first 16 bytes of an SQLite file, checked before SQLite opens it
/// (SQLite would otherwise treat some damaged files as empty databases).
fn check_header(path: &Path) -> Result<(), String> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let n = f.read(&mut head).map_err(|e| e.to_string())?;
    if n == 0 {
        return Ok(()); // an empty file: a new store
    }
    if n < 16 || &head != b"SQLite format 3\0" {
        return Err("the file is not an SQLite database".into());
    }
    Ok(())
}

/// A store is ours (application id), or a new empty database.
fn check_identity(version: i64, app: i64, tables: i64) -> Result<(), String> {
    if app == APPLICATION_ID || (app == 0 && version == 0 && tables == 0) {
        Ok(())
    } else {
        Err("an SQLite database of another program".into())
    }
}

type Row<T> = Result<T, StoreError>;

fn spec_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row<SpecInfo>> {
    let kind: String = r.get(2)?;
    let target: String = r.get(3)?;
    let added: String = r.get(5)?;
    Ok((|| {
        Ok(SpecInfo {
            id: r.get(0).map_err(|e| StoreError::BadRow(e.to_string()))?,
            name: r.get(1).map_err(|e| StoreError::BadRow(e.to_string()))?,
            target: match kind.as_str() {
                "collaboration" => SpecTarget::Collaboration(target),
                _ => SpecTarget::Process(target),
            },
            version: r.get(4).map_err(|e| StoreError::BadRow(e.to_string()))?,
            files: Vec::new(),
            added: parse_time(&added)?,
        })
    })())
}

const INSTANCE_SELECT: &str = "SELECT i.id, i.spec, s.name, s.version, i.status, i.started, i.updated, i.revision, i.holder, i.claim_until, (SELECT count(*) FROM queue q WHERE q.instance = i.id) FROM instances i JOIN specs s ON s.id = i.spec";

fn instance_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row<InstanceInfo>> {
    let status: String = r.get(4)?;
    let started: String = r.get(5)?;
    let updated: String = r.get(6)?;
    let (id, spec, spec_name, version, revision) =
        (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(7)?);
    let holder: Option<String> = r.get(8)?;
    let until: Option<i64> = r.get(9)?;
    let queued: u32 = r.get(10)?;
    Ok((|| {
        Ok(InstanceInfo {
            id,
            spec,
            spec_name,
            version,
            status: InstanceStatus::parse(&status)
                .ok_or_else(|| StoreError::BadRow(format!("status `{status}`")))?,
            started: parse_time(&started)?,
            updated: parse_time(&updated)?,
            revision,
            holder: live_claim(holder, until, Timestamp::now()),
            queued,
        })
    })())
}

/// Inserts a new instance of `spec` with its log; returns its id.
fn insert_instance(
    tx: &rusqlite::Transaction<'_>,
    spec: SpecId,
    save: &InstanceSave<'_>,
) -> rusqlite::Result<InstanceId> {
    let now = Timestamp::now();
    tx.execute(
        "INSERT INTO instances (spec, status, started, updated, revision, state, due_at) VALUES (?1, ?2, ?3, ?3, 1, ?4, ?5)",
        params![spec, save.status.as_str(), time_text(now), save.state, due_at(save, false, now)],
    )?;
    let id = tx.last_insert_rowid();
    append_log(tx, id, save.log)?;
    Ok(id)
}

/// Appends `log` to the task log of `instance`, after its last entry.
fn append_log(
    tx: &rusqlite::Transaction<'_>,
    instance: InstanceId,
    log: &[crate::runtime::Transition],
) -> rusqlite::Result<()> {
    if log.is_empty() {
        return Ok(());
    }
    let next: i64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM task_log WHERE instance = ?1",
        [instance],
        |r| r.get(0),
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO task_log (instance, seq, at, task, bpmn_id, name, from_state, to_state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, t) in log.iter().enumerate() {
        stmt.execute(params![
            instance,
            next + i as i64,
            time_text(t.at),
            t.task.to_string(),
            t.bpmn_id,
            t.name,
            state_text(t.from),
            state_text(t.to),
        ])?;
    }
    Ok(())
}

/// How many occurrences of timer start event `start_event` of spec `spec`
/// were started (0 when none).
fn timer_starts_done(
    conn: &rusqlite::Connection,
    spec: SpecId,
    start_event: &str,
) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT started FROM timer_starts WHERE spec = ?1 AND start_event = ?2",
        params![spec, start_event],
        |r| r.get(0),
    )
    .optional()
    .map(|n| n.unwrap_or(0))
}

/// Removes what `save` delivered from the queue of `id` and marks what it
/// tried as seen at `revision` (emptying the queue when the instance
/// completed); returns whether items not tried at `revision` remain.
fn settle_queue(
    tx: &rusqlite::Transaction<'_>,
    id: InstanceId,
    revision: i64,
    save: &InstanceSave<'_>,
) -> rusqlite::Result<bool> {
    if save.status == InstanceStatus::Completed {
        tx.execute("DELETE FROM queue WHERE instance = ?1", [id])?;
        return Ok(false);
    }
    {
        let mut del = tx.prepare_cached("DELETE FROM queue WHERE id = ?1 AND instance = ?2")?;
        for q in save.delivered {
            del.execute(params![q, id])?;
        }
        let mut seen = tx.prepare_cached(
            "UPDATE queue SET seen_revision = ?1 WHERE id = ?2 AND instance = ?3",
        )?;
        for q in save.undelivered {
            seen.execute(params![revision, q, id])?;
        }
    }
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM queue WHERE instance = ?1 AND seen_revision < ?2)",
        params![id, revision],
        |r| r.get(0),
    )
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn add_spec(&mut self, spec: &NewSpec) -> Result<Added, StoreError> {
        let sql = sql_error(self.path.clone());
        let (kind, target) = target_parts(&spec.target);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let latest: Option<(SpecId, i64)> = tx
            .query_row(
                "SELECT id, version FROM specs WHERE kind = ?1 AND target = ?2 ORDER BY version DESC LIMIT 1",
                params![kind, target],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(&sql)?;
        if let Some((id, _)) = latest {
            let mut stmt = tx
                .prepare_cached(
                    "SELECT kind, path, text FROM spec_files WHERE spec = ?1 ORDER BY position",
                )
                .map_err(&sql)?;
            let old: Vec<(String, String, String)> = stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .and_then(|rows| rows.collect())
                .map_err(&sql)?;
            drop(stmt);
            let new: Vec<(String, String, String)> = files_of(spec)
                .map(|(k, f)| (k.to_string(), f.path.display().to_string(), f.text.clone()))
                .collect();
            let dialect: Option<String> = tx
                .query_row("SELECT dialect FROM specs WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .map_err(&sql)?;
            // Unchanged: same texts, in the same roles and order (the
            // paths may differ: the same diagram added from another
            // directory is the same version).
            let same = old.len() == new.len()
                && old.iter().zip(&new).all(|(a, b)| a.0 == b.0 && a.2 == b.2)
                && dialect == spec.dialect;
            if same {
                tx.commit().map_err(&sql)?;
                return Ok(Added {
                    spec: self.spec_info(id)?,
                    new_version: false,
                });
            }
        }
        let version = latest.map_or(1, |(_, v)| v + 1);
        tx.execute(
            "INSERT INTO specs (name, kind, target, version, dialect, added) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![spec.name, kind, target, version, spec.dialect, time_text(Timestamp::now())],
        )
        .map_err(&sql)?;
        let id = tx.last_insert_rowid();
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO spec_files (spec, position, kind, path, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(&sql)?;
            for (i, (k, f)) in files_of(spec).enumerate() {
                stmt.execute(params![
                    id,
                    i as i64,
                    k,
                    f.path.display().to_string(),
                    f.text
                ])
                .map_err(&sql)?;
            }
        }
        tx.commit().map_err(&sql)?;
        Ok(Added {
            spec: self.spec_info(id)?,
            new_version: true,
        })
    }

    fn specs(&self) -> Result<Vec<SpecInfo>, StoreError> {
        let ids: Vec<SpecId> = self
            .conn
            .prepare_cached("SELECT id FROM specs ORDER BY id")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
            .map_err(self.sql())?;
        ids.into_iter().map(|id| self.spec_info(id)).collect()
    }

    fn spec(&self, key: &str) -> Result<Spec, StoreError> {
        let by_id = key.parse::<SpecId>().ok();
        let id: Option<SpecId> = match by_id {
            Some(id) => self
                .conn
                .query_row("SELECT id FROM specs WHERE id = ?1", [id], |r| r.get(0))
                .optional()
                .map_err(self.sql())?,
            None => self
                .conn
                .query_row(
                    "SELECT id FROM specs WHERE name = ?1 OR target = ?1 ORDER BY version DESC, id DESC LIMIT 1",
                    [key],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.sql())?,
        };
        let id = id.ok_or_else(|| StoreError::NoSpec(key.to_string()))?;
        let info = self.spec_info(id)?;
        let (bpmn, dmn) = self.spec_files(id)?;
        let dialect = self
            .conn
            .query_row("SELECT dialect FROM specs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(self.sql())?;
        Ok(Spec {
            info,
            bpmn,
            dmn,
            dialect,
        })
    }

    fn create_instance(
        &mut self,
        spec: SpecId,
        save: InstanceSave<'_>,
    ) -> Result<InstanceInfo, StoreError> {
        let sql = sql_error(self.path.clone());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let id = insert_instance(&tx, spec, &save).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        self.instance_info(id)
    }

    fn instances(&self, active_only: bool) -> Result<Vec<InstanceInfo>, StoreError> {
        let filter = if active_only {
            " WHERE i.status <> 'completed'"
        } else {
            ""
        };
        let rows: Vec<Row<InstanceInfo>> = self
            .conn
            .prepare(&format!("{INSTANCE_SELECT}{filter} ORDER BY i.id"))
            .and_then(|mut s| s.query_map([], instance_row)?.collect())
            .map_err(self.sql())?;
        rows.into_iter().collect()
    }

    fn instance(&self, id: InstanceId) -> Result<StoredInstance, StoreError> {
        let info = self.instance_info(id)?;
        let state: Vec<u8> = self
            .conn
            .query_row("SELECT state FROM instances WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .map_err(self.sql())?;
        Ok(StoredInstance { info, state })
    }

    fn update_instance(
        &mut self,
        id: InstanceId,
        read: i64,
        spec: Option<SpecId>,
        save: InstanceSave<'_>,
    ) -> Result<InstanceInfo, StoreError> {
        let sql = sql_error(self.path.clone());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let now: Option<i64> = tx
            .query_row("SELECT revision FROM instances WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&sql)?;
        match now {
            None => return Err(StoreError::NoInstance(id)),
            Some(now) if now != read => return Err(StoreError::Stale { id, read, now }),
            Some(_) => {}
        }
        let revision = read + 1;
        let at = Timestamp::now();
        let untried = settle_queue(&tx, id, revision, &save).map_err(&sql)?;
        tx.execute(
            "UPDATE instances SET state = ?1, status = ?2, updated = ?3, revision = ?4,
             spec = coalesce(?5, spec), due_at = ?6,
             claim_until = CASE WHEN holder = ?7 THEN NULL ELSE claim_until END,
             holder = CASE WHEN holder = ?7 THEN NULL ELSE holder END
             WHERE id = ?8",
            params![
                save.state,
                save.status.as_str(),
                time_text(at),
                revision,
                spec,
                due_at(&save, untried, at),
                save.claim,
                id
            ],
        )
        .map_err(&sql)?;
        append_log(&tx, id, save.log).map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        self.instance_info(id)
    }

    fn timer_starts_done(&self, spec: SpecId, start_event: &str) -> Result<u32, StoreError> {
        timer_starts_done(&self.conn, spec, start_event).map_err(self.sql())
    }

    fn create_timer_instance(
        &mut self,
        spec: SpecId,
        start_event: &str,
        occurrence: u32,
        save: InstanceSave<'_>,
    ) -> Result<Option<InstanceInfo>, StoreError> {
        let sql = sql_error(self.path.clone());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let done = timer_starts_done(&tx, spec, start_event).map_err(&sql)?;
        if !is_next_occurrence(done, occurrence) {
            return Ok(None);
        }
        let id = insert_instance(&tx, spec, &save).map_err(&sql)?;
        tx.execute(
            "INSERT INTO timer_starts (spec, start_event, started) VALUES (?1, ?2, ?3)
             ON CONFLICT (spec, start_event) DO UPDATE SET started = excluded.started",
            params![spec, start_event, occurrence],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        self.instance_info(id).map(Some)
    }

    fn enqueue(
        &mut self,
        id: InstanceId,
        kind: DeliveryKind,
        name: &str,
        payload: &serde_json::Value,
    ) -> Result<QueueId, StoreError> {
        let sql = sql_error(self.path.clone());
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let status: Option<String> = tx
            .query_row("SELECT status FROM instances WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(&sql)?;
        match status.as_deref() {
            None => return Err(StoreError::NoInstance(id)),
            Some("completed") => return Err(StoreError::Finished(id)),
            Some(_) => {}
        }
        let now = Timestamp::now();
        tx.execute(
            "INSERT INTO queue (instance, kind, name, payload, queued) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, kind.as_str(), name, payload.to_string(), time_text(now)],
        )
        .map_err(&sql)?;
        let qid = tx.last_insert_rowid();
        tx.execute(
            "UPDATE instances SET due_at = min(coalesce(due_at, ?1), ?1) WHERE id = ?2",
            params![micros(now), id],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(qid)
    }

    fn queued(&self, id: InstanceId) -> Result<Vec<Queued>, StoreError> {
        self.instance_info(id)?;
        let rows: Vec<(QueueId, String, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT id, kind, name, payload, queued FROM queue WHERE instance = ?1 ORDER BY id",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .map_err(self.sql())?;
        rows.into_iter()
            .map(|(id, kind, name, payload, queued)| queued_row(id, &kind, name, &payload, &queued))
            .collect()
    }

    fn claim_due(
        &mut self,
        worker: &str,
        now: Timestamp,
        lease: Duration,
        limit: u32,
    ) -> Result<Vec<InstanceId>, StoreError> {
        let until = lease_end(now, lease);
        let sql = sql_error(self.path.clone());
        // A read first (readers never wait in WAL mode): with nothing due,
        // no write lock is taken, so idle workers polling one file do not
        // take turns holding it against those with work to save.
        let any_due: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM instances
                 WHERE due_at <= ?1 AND (holder IS NULL OR claim_until <= ?1))",
            )
            .and_then(|mut s| s.query_row([micros(now)], |r| r.get(0)))
            .map_err(&sql)?;
        if !any_due {
            return Ok(Vec::new());
        }
        // One writer at a time (IMMEDIATE): the choice and the claim are
        // one step, so two workers never take the same instance.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&sql)?;
        let ids: Vec<InstanceId> = tx
            .prepare_cached(
                "UPDATE instances SET holder = ?1, claim_until = ?2 WHERE id IN (
                     SELECT id FROM instances
                     WHERE due_at <= ?3 AND (holder IS NULL OR claim_until <= ?3)
                     ORDER BY due_at LIMIT ?4)
                 RETURNING id",
            )
            .and_then(|mut s| {
                s.query_map(params![worker, until, micros(now), limit], |r| r.get(0))?
                    .collect()
            })
            .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        let mut ids = ids;
        ids.sort_unstable();
        Ok(ids)
    }

    fn release(
        &mut self,
        id: InstanceId,
        worker: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE instances SET holder = NULL, claim_until = NULL,
                 due_at = CASE WHEN ?3 IS NULL OR due_at IS NULL THEN due_at ELSE ?3 END
                 WHERE id = ?1 AND holder = ?2",
                params![id, worker, retry_at.map(micros)],
            )
            .map(|_| ())
            .map_err(self.sql())
    }

    fn next_due(&self, now: Timestamp) -> Result<Option<Timestamp>, StoreError> {
        let at: Option<i64> = self
            .conn
            .query_row(
                "SELECT min(due_at) FROM instances WHERE due_at IS NOT NULL
                 AND (holder IS NULL OR claim_until <= ?1)",
                [micros(now)],
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        Ok(at.and_then(|us| Timestamp::from_microsecond(us).ok()))
    }

    fn log(&self, id: InstanceId) -> Result<Vec<LogEntry>, StoreError> {
        self.instance_info(id)?;
        type Raw = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Raw> = self
            .conn
            .prepare_cached(
                "SELECT at, task, bpmn_id, name, from_state, to_state FROM task_log WHERE instance = ?1 ORDER BY seq",
            )
            .and_then(|mut s| {
                s.query_map([id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })?
                .collect()
            })
            .map_err(self.sql())?;
        rows.into_iter()
            .map(|(at, task, bpmn_id, name, from, to)| {
                Ok(LogEntry {
                    at: parse_time(&at)?,
                    task,
                    bpmn_id,
                    name,
                    from: parse_state(from)?,
                    to: parse_state(to)?,
                })
            })
            .collect()
    }
}
