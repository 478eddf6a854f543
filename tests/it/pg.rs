//! A PostgreSQL server for the store tests: `BPMN_TEST_POSTGRES` (a URL)
//! when set, else the private server `.ci/postgres` starts (once per test
//! process), and a fresh database on it for each test, so tests run in
//! parallel without seeing each other's instances.
//!
//! Without a server the PostgreSQL tests are skipped with one message on
//! stderr, except on CI (`CI=true`), where they fail: there the server is
//! required.
//!
//! A command-line test written once runs on either store: its body takes
//! the test directory and makes its commands with [`bpmn_on_test_store`];
//! [`on_sqlite`] and [`on_postgres`] run it on each.

use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server's URL, or why there is none.
fn server() -> &'static Result<String, String> {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let found = start();
        if let Err(why) = &found
            && !ci()
        {
            // Straight to stderr: the harness hides eprintln! of a
            // passing test, and a skip must show in every run.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "PostgreSQL tests skipped: no server could be started ({why}); install the Debian package postgresql or set BPMN_TEST_POSTGRES"
            );
        }
        found
    })
}

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn start() -> Result<String, String> {
    if let Ok(url) = std::env::var("BPMN_TEST_POSTGRES")
        && !url.is_empty()
    {
        return Ok(url);
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", script.display()))?;
    let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || url.is_empty() {
        let err = String::from_utf8_lossy(&out.stderr);
        let last = err.lines().last().unwrap_or("no output").trim();
        return Err(format!(".ci/postgres failed: {last}"));
    }
    Ok(url)
}

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let (base, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    format!("{}/{db}{query}", &base[..host_end])
}

/// A database of one test, dropped when the test ends (a database is
/// about 7 MB: left behind, each run would add a few hundred).
pub struct TestDatabase {
    /// Its URL.
    pub url: String,
    name: String,
    server: String,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// The URL of a new, empty database for one test; `None` (the test
/// returns early) when there is no server and CI is not set.
pub fn fresh_database() -> Option<TestDatabase> {
    let url = match server() {
        Ok(url) => url,
        Err(why) if ci() => panic!("CI=true requires a PostgreSQL server: {why}"),
        Err(_) => return None,
    };
    static N: AtomicU32 = AtomicU32::new(0);
    let mut admin = postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    static SWEPT: OnceLock<()> = OnceLock::new();
    SWEPT.get_or_init(|| sweep(&mut admin));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "bpmn_test_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("creating database {name} on {url}: {e}"));
    Some(TestDatabase {
        url: with_database(url, &name),
        name,
        server: url.clone(),
    })
}

/// Drops the databases of test processes that are gone (killed before
/// their tests could drop them): their names carry the process id.
fn sweep(admin: &mut postgres::Client) {
    let Ok(rows) = admin.query(
        "SELECT datname FROM pg_database WHERE datname LIKE 'bpmn\\_test\\_%'",
        &[],
    ) else {
        return;
    };
    for row in rows {
        let name: String = row.get(0);
        let pid = name.split('_').nth(2).unwrap_or("");
        let alive = !pid.is_empty() && std::path::Path::new("/proc").join(pid).exists();
        if !alive {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}

thread_local! {
    /// The PostgreSQL database the current test's commands use (through
    /// BPMN_STORE), when it runs on PostgreSQL ([`on_postgres`]).
    static DATABASE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The binary, working in `dir` (so the default store is `dir/bpmn.db`),
/// or on the test's PostgreSQL database when it runs in [`on_postgres`].
pub fn bpmn_on_test_store(dir: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("bpmn").expect("the bpmn binary is built");
    c.current_dir(dir).env_remove("BPMN_STORE");
    DATABASE.with(|db| {
        if let Some(url) = &*db.borrow() {
            c.env("BPMN_STORE", url);
        }
    });
    c
}

/// The test's store for a thread it spawns (the choice is per thread).
pub fn same_store() -> impl FnOnce() + Send {
    let url = DATABASE.with(|db| db.borrow().clone());
    move || DATABASE.with(|db| *db.borrow_mut() = url)
}

/// Runs the command-line test `check` in a new directory, on the default
/// SQLite store there.
pub fn on_sqlite(check: fn(&Path)) {
    let dir = tempfile::tempdir().unwrap();
    check(dir.path());
}

/// Runs the command-line test `check` in a new directory, with every
/// command on a new PostgreSQL database (skipped without a server outside
/// CI): the same commands behave the same on either store.
pub fn on_postgres(check: fn(&Path)) {
    let Some(test_db) = fresh_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    DATABASE.with(|db| *db.borrow_mut() = Some(test_db.url.clone()));
    check(dir.path());
    DATABASE.with(|db| *db.borrow_mut() = None);
    assert!(
        !dir.path().join("bpmn.db").exists(),
        "no SQLite store was made beside"
    );
}

/// A connection to the database at `url`, for tests that look inside.
pub fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to {url}: {e}"))
}

#[test]
fn a_database_is_named_in_place_of_the_last() {
    assert_eq!(
        with_database("postgres://a@h:1/bpmn", "t1"),
        "postgres://a@h:1/t1"
    );
    assert_eq!(
        with_database("postgresql://a@h/bpmn?sslmode=disable", "t1"),
        "postgresql://a@h/t1?sslmode=disable"
    );
    assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
}
