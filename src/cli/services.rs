//! The service operations `bpmn` ships: `http` (only with `--allow-http`,
//! to the hosts it names), `shell` (only with `--allow-shell`), `file` (only
//! with `--allow-file DIR`, inside DIR), and `--service NAME=COMMAND`
//! connectors — an external program that reads the parameters as JSON on
//! stdin and answers JSON on stdout — and, with `--connector-proxy URL`,
//! the commands of a SpiffArena connector proxy (`connector_proxy.rs`).
//! A connector answering an object with `"accepted": true` (e.g.
//! `{"accepted": true}`) accepted the work without doing it: the task
//! stays STARTED until `bpmn complete` finishes it (`cli/complete.rs`).
//! A diagram touches nothing on the machine or the network unless the
//! person running it said so.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bpmn_engine::{Data, ServiceHandler, ServiceOutcome, Specs, Workflow};
use serde_json::{Value, json};

use super::CliError;
use super::args::ServiceArgs;
use super::connector_proxy::ConnectorProxy;

/// Whether any service flag was given (`--service`, `--allow-*`, or a
/// `--connector-proxy` that is not empty, as [`CliServices::from_args`]
/// reads it).
pub fn given(a: &ServiceArgs) -> bool {
    !a.service.is_empty()
        || a.allow_shell
        || a.allow_file.is_some()
        || a.allow_http.is_some()
        || a.connector_proxy
            .as_deref()
            .is_some_and(|u| !u.trim().is_empty())
}

/// The handler the command line registers.
#[derive(Debug, Clone)]
pub struct CliServices {
    allow_shell: bool,
    /// `--allow-file DIR`, canonical (symbolic links resolved).
    file_dir: Option<PathBuf>,
    /// `--allow-http`: `None` refuses every host, an empty list allows any.
    http_hosts: Option<Vec<String>>,
    connectors: BTreeMap<String, String>,
    /// `--connector-proxy`, its commands listed.
    proxy: Option<ConnectorProxy>,
}

impl CliServices {
    pub fn from_args(args: &ServiceArgs) -> Result<Self, CliError> {
        let mut connectors = BTreeMap::new();
        for s in &args.service {
            let Some((name, command)) = s.split_once('=') else {
                return Err(CliError::usage(format!(
                    "--service `{s}`: expected NAME=COMMAND"
                )));
            };
            connectors.insert(name.trim().to_string(), command.to_string());
        }
        let file_dir = match &args.allow_file {
            None => None,
            Some(dir) => {
                let real = std::fs::canonicalize(dir)
                    .map_err(|e| CliError::usage(format!("--allow-file {}: {e}", dir.display())))?;
                if !real.is_dir() {
                    return Err(CliError::usage(format!(
                        "--allow-file {}: not a directory",
                        dir.display()
                    )));
                }
                Some(real)
            }
        };
        let http_hosts = args.allow_http.as_ref().map(|hosts| {
            hosts
                .iter()
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        });
        // Only with the explicit flag (or its variable) is the network used.
        let proxy = match args.connector_proxy.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => Some(
                ConnectorProxy::connect(url, args.connector_timeout, args.connector_retries)
                    .map_err(CliError::usage)?,
            ),
        };
        Ok(CliServices {
            allow_shell: args.allow_shell,
            file_dir,
            http_hosts,
            connectors,
            proxy,
        })
    }

    /// Checks every service task's operation, then registers the handler.
    pub fn install(self, specs: &Specs, wf: &mut Workflow) -> Result<(), CliError> {
        let problems = specs.check_services(&self);
        if let Some(d) = problems
            .iter()
            .find(|d| d.severity == bpmn_engine::Severity::Error)
        {
            // The top level says `error:`; the diagnostic's own would double it.
            return Err(CliError::usage(d.unprefixed()));
        }
        wf.set_service_handler(Arc::new(self));
        Ok(())
    }
}

fn text(params: &Data, key: &str) -> Result<String, String> {
    match params.get(key) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(format!("missing parameter `{key}`")),
    }
}

impl ServiceHandler for CliServices {
    fn operations(&self) -> Vec<String> {
        let mut ops: Vec<String> = LOCAL.map(String::from).into();
        ops.extend(self.connectors.keys().cloned());
        if let Some(proxy) = &self.proxy {
            // Local operations win over a proxy command of the same id.
            ops.extend(
                proxy
                    .commands()
                    .iter()
                    .filter(|c| !ops.contains(c))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
        ops
    }

    /// Local operations answer at once; a `--service` connector that
    /// answers `{"accepted": true}`, or a connector proxy that answers
    /// HTTP 202, leaves the task STARTED.
    fn start(&self, operation: &str, params: &Data) -> Result<ServiceOutcome, String> {
        if let Some(command) = self.connectors.get(operation) {
            let answer = connector(command, operation, params)?;
            return Ok(if answer.get("accepted") == Some(&Value::Bool(true)) {
                ServiceOutcome::Accepted
            } else {
                ServiceOutcome::Done(answer)
            });
        }
        match &self.proxy {
            Some(proxy) if !LOCAL.contains(&operation) && proxy.has(operation) => {
                proxy.call(operation, params)
            }
            _ => self.local(operation, params).map(ServiceOutcome::Done),
        }
    }

    fn call(&self, operation: &str, params: &Data) -> Result<Value, String> {
        match self.start(operation, params)? {
            ServiceOutcome::Done(v) => Ok(v),
            ServiceOutcome::Accepted => Err(format!(
                "`{operation}` was accepted to be finished later, where an answer was needed now"
            )),
        }
    }
}

/// The operations the command line runs itself (they win over a connector
/// proxy's commands of the same id).
const LOCAL: [&str; 3] = ["http", "shell", "file"];

impl CliServices {
    /// Runs a local operation ([`LOCAL`]), or says it is unknown.
    fn local(&self, operation: &str, params: &Data) -> Result<Value, String> {
        match operation {
            "http" => self.http(params),
            "shell" if !self.allow_shell => {
                Err("the shell operation is disabled; pass --allow-shell to enable it".into())
            }
            "shell" => {
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(text(params, "command")?)
                    .output()
                    .map_err(|e| format!("cannot run sh: {e}"))?;
                Ok(json!({
                    "status": out.status.code(),
                    "stdout": String::from_utf8_lossy(&out.stdout),
                    "stderr": String::from_utf8_lossy(&out.stderr),
                }))
            }
            "file" => self.file(params),
            other => Err(format!("unknown operation `{other}`")),
        }
    }

    /// `file`: {"action": "read"|"write", "path": path inside the
    /// `--allow-file` directory, "value": …}.
    fn file(&self, params: &Data) -> Result<Value, String> {
        let rel = PathBuf::from(text(params, "path")?);
        let action = text(params, "action")?;
        let verb = match action.as_str() {
            "read" => "reading",
            "write" => "writing",
            other => return Err(format!("action `{other}`: expected read or write")),
        };
        let Some(dir) = &self.file_dir else {
            return Err(format!(
                "refused: {verb} `{}` needs an allowed directory (allow one with --allow-file DIR)",
                rel.display()
            ));
        };
        let inside = |path: &Path| -> Result<PathBuf, String> {
            let real = real_path(&dir.join(path))
                .map_err(|e| format!("cannot resolve `{}`: {e}", rel.display()))?;
            if real.starts_with(dir) && real != *dir {
                Ok(real)
            } else {
                Err(format!(
                    "refused: {verb} `{}` leaves the allowed directory {} (allow a directory with --allow-file DIR)",
                    rel.display(),
                    dir.display()
                ))
            }
        };
        let path = inside(&rel)?;
        if action == "read" {
            let t = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read `{}`: {e}", rel.display()))?;
            return serde_json::from_str(&t)
                .map_err(|e| format!("`{}` is not JSON: {e}", rel.display()));
        }
        let value = params.get("value").cloned().unwrap_or(Value::Null);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        // Checked again now that its folders exist: nothing may have
        // replaced one of them with a link out in the meantime.
        let path = inside(&path)?;
        let body = serde_json::to_vec_pretty(&value).map_err(|e| e.to_string())?;
        bpmn_engine::storage::write_atomic(&path, &body)
            .map_err(|e| format!("cannot write `{}`: {e}", rel.display()))?;
        Ok(json!({"written": rel.display().to_string()}))
    }

    /// `http`, when `--allow-http` allows the URL's host.
    fn http(&self, params: &Data) -> Result<Value, String> {
        let url = text(params, "url")?;
        let target = HttpTarget::parse(&url)?;
        let allowed = match &self.http_hosts {
            None => false,
            Some(hosts) => hosts.is_empty() || hosts.iter().any(|h| target.matches(h)),
        };
        if !allowed {
            return Err(format!(
                "refused: host {} is not allowed (allow it with --allow-http {})",
                target.host, target.host
            ));
        }
        http(&url, &target, params)
    }
}

/// The real path of `path` (absolute): every symbolic link resolved, as far
/// as the path exists; the part that does not exist yet is taken as
/// written (`..` goes up). Like `realpath -m`.
fn real_path(path: &Path) -> std::io::Result<PathBuf> {
    let mut todo: Vec<std::ffi::OsString> = Vec::new();
    let mut real = PathBuf::new();
    let mut links = 0;
    let push_all = |todo: &mut Vec<std::ffi::OsString>, p: &Path, real: &mut PathBuf| {
        // Components are popped from the end, so push them reversed.
        let mut comps = Vec::new();
        for c in p.components() {
            match c {
                Component::Prefix(_) => {
                    comps.clear();
                    *real = PathBuf::from(c.as_os_str());
                }
                Component::RootDir => {
                    comps.clear();
                    // Keep the drive (Windows) the path is on, if any.
                    let prefix = real
                        .components()
                        .next()
                        .filter(|p| matches!(p, Component::Prefix(_)));
                    *real = prefix
                        .map(|p| PathBuf::from(p.as_os_str()))
                        .unwrap_or_default();
                    real.push(c.as_os_str());
                }
                _ => comps.push(c.as_os_str().to_os_string()),
            }
        }
        todo.extend(comps.into_iter().rev());
    };
    let start = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    push_all(&mut todo, &start, &mut real);
    while let Some(c) = todo.pop() {
        if c == "." {
            continue;
        }
        if c == ".." {
            real.pop();
            continue;
        }
        let next = real.join(&c);
        match std::fs::symlink_metadata(&next) {
            Ok(m) if m.file_type().is_symlink() => {
                links += 1;
                if links > 40 {
                    return Err(std::io::Error::other("too many levels of symbolic links"));
                }
                let target = std::fs::read_link(&next)?;
                if target.is_absolute() {
                    push_all(&mut todo, &target, &mut real);
                } else {
                    let mut comps: Vec<_> = target
                        .components()
                        .map(|c| c.as_os_str().to_os_string())
                        .collect();
                    comps.reverse();
                    todo.extend(comps);
                }
            }
            Ok(_) => real = next,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => real = next,
            Err(e) => return Err(e),
        }
    }
    Ok(real)
}

/// Where an `http://` URL goes.
pub(super) struct HttpTarget {
    /// Lowercase, without brackets for IPv6.
    host: String,
    port: u16,
    /// `host:port` as written, for the Host header and for connecting.
    authority: String,
    /// From the first `/` on.
    path: String,
}

impl HttpTarget {
    pub(super) fn parse(url: &str) -> Result<HttpTarget, String> {
        let Some(rest) = url
            .get(..7)
            .filter(|s| s.eq_ignore_ascii_case("http://"))
            .map(|_| &url[7..])
        else {
            return Err(format!(
                "`{url}`: the built-in http operation speaks plain http:// only; for https map an operation to a program with --service NAME=COMMAND"
            ));
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(end);
        let path = match path {
            "" => "/".to_string(),
            p if p.starts_with('/') => p.to_string(),
            p => format!("/{p}"),
        };
        if authority.contains('@') {
            return Err(format!(
                "`{url}`: user names and passwords in URLs are not supported"
            ));
        }
        let (host, port) = split_host_port(authority)
            .ok_or_else(|| format!("`{url}`: cannot read the host and port"))?;
        Ok(HttpTarget {
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or(80),
            authority: authority.to_string(),
            path,
        })
    }

    /// Whether `--allow-http` entry `allowed` (lowercase HOST or
    /// HOST:PORT) lets this URL through.
    fn matches(&self, allowed: &str) -> bool {
        match split_host_port(allowed) {
            Some((host, port)) => {
                host.eq_ignore_ascii_case(&self.host) && port.is_none_or(|p| p == self.port)
            }
            None => false,
        }
    }
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(v6) = s.strip_prefix('[') {
        let close = v6.find(']')?;
        let after = &v6[close + 1..];
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (&v6[..close], port)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => (s, None), // a bare IPv6 address
            None => (s, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        None => None,
        Some(p) => Some(p.parse().ok()?),
    };
    Some((host, port))
}

/// Runs connector `command` with the parameters as JSON on stdin.
fn connector(command: &str, operation: &str, params: &Data) -> Result<Value, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("BPMN_OPERATION", operation)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run `{command}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(params.to_json().to_string().as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("`{command}` failed: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{command}` exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "`{command}` did not answer JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout).trim()
        )
    })
}

/// `http`: {"url", "method": GET|POST, "body": JSON, "timeout": seconds}.
/// Plain `http://` only; map an operation to a connector for HTTPS.
fn http(url: &str, target: &HttpTarget, params: &Data) -> Result<Value, String> {
    let method = params
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or("GET")
        .to_ascii_uppercase();
    let timeout = Duration::from_secs_f64(
        params
            .get("timeout")
            .and_then(Value::as_f64)
            .unwrap_or(30.0)
            .max(0.001),
    );
    let body = match (&*method, params.get("body")) {
        (_, Some(b)) => b.to_string(),
        ("POST" | "PUT" | "PATCH", None) => "{}".into(),
        _ => String::new(),
    };
    let (status, text) = exchange(url, target, &method, &body, timeout)?;
    if !(200..300).contains(&status) {
        return Err(format!("{url} answered {status}: {}", text.trim()));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// One HTTP/1.1 request over a plain TCP connection (`Connection: close`,
/// JSON in and out): the status and the body as text, whatever the status.
/// `Err` means no answer came: the host did not resolve, the connection was
/// refused or reset, or `timeout` passed while connecting or waiting.
pub(super) fn exchange(
    url: &str,
    target: &HttpTarget,
    method: &str,
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let host_port = target.authority.as_str();
    let path = target.path.as_str();
    let addr = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {addr}"))?;
    let io_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => {
            format!(
                "{url}: no answer within {}s (timed out)",
                timeout.as_secs_f64()
            )
        }
        _ => format!("{url}: {e}"),
    };
    let mut stream = TcpStream::connect_timeout(&sock, timeout)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host_port}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(req.as_bytes()).map_err(io_error)?;
    let mut resp = Vec::new();
    stream.read_to_end(&mut resp).map_err(io_error)?;
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("{url}: not an HTTP response"))?;
    let head = String::from_utf8_lossy(&resp[..split]).to_string();
    let mut body = resp[split + 4..].to_vec();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{url}: not an HTTP response"))?;
    if head
        .lines()
        .any(|l| l.to_ascii_lowercase().starts_with("transfer-encoding:") && l.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Ok((status, String::from_utf8_lossy(&body).to_string()))
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..i]).trim(), 16).unwrap_or(0);
        if size == 0 || b.len() < i + 2 + size {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[(i + 4 + size).min(b.len())..];
    }
    out
}

/// Registers the JSON file data store: `--data-store-dir`, else the
/// directory of the state file, else the current directory.
pub fn install_data_store(args: &ServiceArgs, state: Option<&std::path::Path>, wf: &mut Workflow) {
    let dir = args
        .data_store_dir
        .clone()
        .or_else(|| {
            state
                .and_then(|p| p.parent())
                .filter(|d| !d.as_os_str().is_empty())
                .map(std::path::Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    wf.set_data_store(Arc::new(bpmn_engine::JsonFileStore::new(dir)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_match_by_host_and_optionally_port() {
        let t = HttpTarget::parse("HTTP://Example.ORG:8080/a?b").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("example.org", 8080, "/a?b")
        );
        assert!(t.matches("example.org"));
        assert!(t.matches("EXAMPLE.org:8080"));
        assert!(!t.matches("example.org:80"));
        assert!(!t.matches("example.com"));
        let t = HttpTarget::parse("http://[::1]/x").unwrap();
        assert_eq!((t.host.as_str(), t.port), ("::1", 80));
        assert!(t.matches("[::1]") && t.matches("::1") && t.matches("[::1]:80"));
        assert!(HttpTarget::parse("http://user@127.0.0.1/").is_err());
        assert!(HttpTarget::parse("https://example.org/").is_err());
    }

    #[test]
    fn real_paths_follow_links_and_take_missing_parts_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(base.join("a")).unwrap();
        assert_eq!(
            real_path(&base.join("a/./new/../x")).unwrap(),
            base.join("a/x")
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../b/c", base.join("a/l")).unwrap();
            assert_eq!(real_path(&base.join("a/l/d")).unwrap(), base.join("b/c/d"));
            std::os::unix::fs::symlink("loop", base.join("a/loop")).unwrap();
            assert!(real_path(&base.join("a/loop")).is_err());
        }
    }
}
