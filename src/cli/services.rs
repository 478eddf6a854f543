//! The service operations `bpmn` ships: `http`, `shell` (only with
//! `--allow-shell`), `file`, and `--service NAME=COMMAND` connectors — an
//! external program that reads the parameters as JSON on stdin and answers
//! JSON on stdout.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use bpmn_runner::{Data, ServiceHandler, Specs, Workflow};
use serde_json::{Value, json};

use super::CliError;
use super::args::ServiceArgs;

/// The handler the command line registers.
#[derive(Debug, Clone)]
pub struct CliServices {
    allow_shell: bool,
    file_dir: PathBuf,
    connectors: BTreeMap<String, String>,
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
        Ok(CliServices {
            allow_shell: args.allow_shell,
            file_dir: args.file_dir.clone().unwrap_or_else(|| PathBuf::from(".")),
            connectors,
        })
    }

    /// Checks every service task's operation, then registers the handler.
    pub fn install(self, specs: &Specs, wf: &mut Workflow) -> Result<(), CliError> {
        let problems = specs.check_services(&self);
        if let Some(d) = problems
            .iter()
            .find(|d| d.severity == bpmn_runner::Severity::Error)
        {
            return Err(CliError::usage(d.to_string()));
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
        let mut ops: Vec<String> = ["http", "shell", "file"].map(String::from).into();
        ops.extend(self.connectors.keys().cloned());
        ops
    }

    fn call(&self, operation: &str, params: &Data) -> Result<Value, String> {
        if let Some(command) = self.connectors.get(operation) {
            return connector(command, operation, params);
        }
        match operation {
            "http" => http(params),
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
}

impl CliServices {
    /// `file`: {"action": "read"|"write", "path": relative path, "value": …}.
    fn file(&self, params: &Data) -> Result<Value, String> {
        let rel = PathBuf::from(text(params, "path")?);
        if rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(format!(
                "path `{}` must be relative and stay inside {}",
                rel.display(),
                self.file_dir.display()
            ));
        }
        let path = self.file_dir.join(&rel);
        match text(params, "action")?.as_str() {
            "read" => {
                let t = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                serde_json::from_str(&t).map_err(|e| format!("{} is not JSON: {e}", path.display()))
            }
            "write" => {
                let value = params.get("value").cloned().unwrap_or(Value::Null);
                write_atomically(&path, &value)?;
                Ok(json!({"written": rel.display().to_string()}))
            }
            other => Err(format!("action `{other}`: expected read or write")),
        }
    }
}

/// Writes `value` as JSON to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, value: &Value) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let body = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(&tmp, body).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot write {}: {e}", path.display()))
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
        let _ = stdin.write_all(Value::Object(params.clone()).to_string().as_bytes());
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
fn http(params: &Data) -> Result<Value, String> {
    let url = text(params, "url")?;
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
    let Some(rest) = url.strip_prefix("http://") else {
        return Err(format!(
            "`{url}`: the built-in http operation speaks plain http:// only; for https map an operation to a program with --service NAME=COMMAND"
        ));
    };
    let (host_port, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:80")
    };
    let sock = addr
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {addr}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {addr}"))?;
    let mut stream = TcpStream::connect_timeout(&sock, timeout)
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream.set_read_timeout(Some(timeout)).ok();
    stream.set_write_timeout(Some(timeout)).ok();
    let body = match (&*method, params.get("body")) {
        (_, Some(b)) => b.to_string(),
        ("POST" | "PUT" | "PATCH", None) => "{}".into(),
        _ => String::new(),
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host_port}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(req.as_bytes())
        .map_err(|e| format!("{url}: {e}"))?;
    let mut resp = Vec::new();
    stream
        .read_to_end(&mut resp)
        .map_err(|e| format!("{url}: {e}"))?;
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
    let text = String::from_utf8_lossy(&body).to_string();
    if !(200..300).contains(&status) {
        return Err(format!("{url} answered {status}: {}", text.trim()));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
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
    wf.set_data_store(Arc::new(bpmn_runner::JsonFileStore::new(dir)));
}
