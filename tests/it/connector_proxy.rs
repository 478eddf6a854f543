//! `--connector-proxy`: service tasks sent to a SpiffArena connector proxy.
//! The proxy here is the project's own, a thread on a loopback port that
//! speaks the same protocol (`GET /v1/commands`, `POST /v1/do/…`, the
//! version 2 answer envelope) and records every request it gets.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bpmn/data/svc_proxy.bpmn")
}

/// How the proxy answers `POST /v1/do/…`.
#[derive(Clone, Copy)]
enum Mode {
    /// Echoes the parameters in a version 2 envelope.
    Echo,
    /// A version 2 envelope carrying a connector error.
    ConnectorError,
    /// HTTP 500 with a plain text body.
    Status500,
    /// HTTP 202 with an empty body: accepted, finished later.
    Accepted202,
    /// Reads the request and never answers.
    Silent,
}

/// One request the proxy got: method, path, body.
type Request = (String, String, String);

struct Proxy {
    url: String,
    mode: Arc<Mutex<Mode>>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Proxy {
    /// Starts a proxy listing `commands`; it serves until the test binary
    /// exits.
    fn start(commands: &[&str], mode: Mode) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let catalog: Value = commands
            .iter()
            .map(|id| json!({"id": id, "parameters": [{"id": "message", "type": "str", "required": true}]}))
            .collect();
        let mode = Arc::new(Mutex::new(mode));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (m, r) = (mode.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (catalog, m, r) = (catalog.clone(), m.clone(), r.clone());
                std::thread::spawn(move || serve(stream, &catalog, &m, &r));
            }
        });
        Proxy {
            url,
            mode,
            requests,
        }
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// The `POST /v1/do/…` requests only.
    fn calls(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|(m, _, _)| m == "POST")
            .collect()
    }
}

fn serve(mut s: TcpStream, catalog: &Value, mode: &Mutex<Mode>, requests: &Mutex<Vec<Request>>) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let (head, body) = loop {
        let n = s.read(&mut buf).unwrap_or(0);
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got).to_string();
        if let Some(i) = text.find("\r\n\r\n") {
            let head = text[..i].to_string();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            if text.len() >= i + 4 + len || n == 0 {
                break (head, text[i + 4..].to_string());
            }
        } else if n == 0 {
            return;
        }
    };
    let mut words = head.split_whitespace();
    let method = words.next().unwrap_or_default().to_string();
    let path = words.next().unwrap_or_default().to_string();
    requests
        .lock()
        .unwrap()
        .push((method.clone(), path.clone(), body.clone()));
    let mode = *mode.lock().unwrap();
    let (status, answer) = match (method.as_str(), path.as_str(), mode) {
        ("GET", "/v1/commands", _) => (200, catalog.to_string()),
        ("POST", p, Mode::Echo) if p.starts_with("/v1/do/") => {
            let params: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            let said = format!(
                "{} x{}",
                params["message"].as_str().unwrap_or("?"),
                params["times"]
            );
            let envelope = json!({
                "command_response": {
                    "body": {"said": said, "params": params},
                    "mimetype": "application/json",
                    "http_status": 200
                },
                "command_response_version": 2,
                "error": null,
                "spiff__logs": []
            });
            (200, envelope.to_string())
        }
        ("POST", _, Mode::ConnectorError) => {
            let envelope = json!({
                "command_response": {"body": {}, "mimetype": "application/json"},
                "command_response_version": 2,
                "error": {"error_code": "EchoRefused", "message": "nobody to echo to"},
                "spiff__logs": []
            });
            (200, envelope.to_string())
        }
        ("POST", _, Mode::Status500) => (500, "the proxy fell over".to_string()),
        ("POST", _, Mode::Accepted202) => (202, String::new()),
        ("POST", _, Mode::Silent) => {
            // Longer than the test's --connector-timeout, then hang up.
            std::thread::sleep(Duration::from_secs(3));
            return;
        }
        _ => (
            404,
            r#"{"error": {"error_code": "not_found", "message": "no route"}}"#.into(),
        ),
    };
    let _ = write!(
        s,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

fn bpmn() -> Command {
    let mut c = Command::cargo_bin("bpmn").unwrap();
    // A proxy set in the environment of whoever runs the tests stays out.
    c.env_remove("BPMN_CONNECTOR_PROXY");
    c
}

/// `bpmn run` on the fixture with `args` added.
fn run(args: &[&str]) -> std::process::Output {
    bpmn()
        .args(["run", "--json", "-p", "Process_SvcProxy", "-b"])
        .arg(fixture())
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(args)
        .output()
        .unwrap()
}

/// `bpmn validate` on the fixture with the proxy at `url`.
fn validate(url: &str) -> std::process::Output {
    bpmn()
        .args(["validate", "-b"])
        .arg(fixture())
        .args(["--connector-proxy", url])
        .output()
        .unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn a_service_task_calls_the_proxy_and_stores_the_command_response() {
    let proxy = Proxy::start(&["example/Echo", "http/GetRequest"], Mode::Echo);
    let out = run(&["--connector-proxy", &proxy.url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // As in SpiffArena: the whole command_response, scripts read its body.
    assert_eq!(
        v["data"]["echoed"],
        json!({
            "body": {"said": "hello Ada x4", "params": {"message": "hello Ada", "times": 4}},
            "mimetype": "application/json",
            "http_status": 200
        })
    );
    assert_eq!(v["data"]["said"], json!("hello Ada x4"));
    let requests = proxy.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(
        (requests[0].0.as_str(), requests[0].1.as_str()),
        ("GET", "/v1/commands")
    );
    assert_eq!(
        (requests[1].0.as_str(), requests[1].1.as_str()),
        ("POST", "/v1/do/example/Echo")
    );
    let sent: Value = serde_json::from_str(&requests[1].2).unwrap();
    assert_eq!(sent, json!({"message": "hello Ada", "times": 4}));
}

#[test]
fn the_environment_variable_names_the_proxy_too() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Echo);
    let out = bpmn()
        .env("BPMN_CONNECTOR_PROXY", format!("{}/", proxy.url))
        .args(["run", "--json", "-p", "Process_SvcProxy", "-b"])
        .arg(fixture())
        .args(["--data", r#"{"name": "Bo", "count": 1}"#])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["said"], json!("hello Bo x2"));
    // The trailing slash of the URL is not doubled.
    assert_eq!(proxy.calls()[0].1, "/v1/do/example/Echo");
}

#[test]
fn validate_and_run_report_an_operator_the_proxy_does_not_list() {
    let proxy = Proxy::start(&["example/Other"], Mode::Echo);
    let out = validate(&proxy.url);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(
        all.contains("Task_Echo: unknown service operation `example/Echo`; known operations: example/Other, file, http, shell"),
        "{all}"
    );
    let out = run(&["--connector-proxy", &proxy.url]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains("unknown service operation `example/Echo`"),
        "{}",
        stderr(&out)
    );
    // Only the list was asked for; nothing was run.
    assert!(proxy.calls().is_empty());
    // Listed, it validates.
    let proxy = Proxy::start(&["example/Echo"], Mode::Echo);
    let out = validate(&proxy.url);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn a_connector_error_is_a_workflow_error_naming_the_task_and_url() {
    let proxy = Proxy::start(&["example/Echo"], Mode::ConnectorError);
    let out = run(&["--connector-proxy", &proxy.url]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = stderr(&out);
    assert!(err.contains("Task_Echo"), "{err}");
    assert!(
        err.contains(&format!(
            "connector proxy {}/v1/do/example/Echo answered error EchoRefused: nobody to echo to",
            proxy.url
        )),
        "{err}"
    );
    // A connector error is an answer: not repeated.
    assert_eq!(proxy.calls().len(), 1);
}

#[test]
fn http_500_is_an_error_not_repeated_and_resume_retries_the_task() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Status500);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let out = run(&[
        "--connector-proxy",
        &proxy.url,
        "--save",
        state.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = stderr(&out);
    assert!(err.contains("Task_Echo"), "{err}");
    assert!(err.contains("answered 500: the proxy fell over"), "{err}");
    assert_eq!(proxy.calls().len(), 1, "a 500 is not repeated");
    // The proxy is fixed; resume runs the task again.
    *proxy.mode.lock().unwrap() = Mode::Echo;
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .args(["--json", "--connector-proxy", &proxy.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["said"], json!("hello Ada x4"));
    assert_eq!(proxy.calls().len(), 2);
}

#[test]
fn a_silent_proxy_times_out_after_the_retries() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Silent);
    let out = run(&[
        "--connector-proxy",
        &proxy.url,
        "--connector-timeout",
        "0.3",
        "--connector-retries",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = stderr(&out);
    assert!(err.contains("Task_Echo"), "{err}");
    assert!(err.contains("timed out"), "{err}");
    assert!(err.contains("after 3 attempts"), "{err}");
    assert_eq!(proxy.calls().len(), 3);
}

#[test]
fn a_proxy_that_is_not_there_is_reported_at_load() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    drop(listener);
    let out = run(&["--connector-proxy", &url, "--connector-retries", "0"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = stderr(&out);
    assert!(
        err.contains(&format!("connector proxy {url}/v1/commands")),
        "{err}"
    );
    assert!(err.contains("cannot connect"), "{err}");
    let out = run(&["--connector-proxy", "https://proxy.example.org"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("only plain http://"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_the_flag_the_operator_is_unknown_and_nothing_is_sent() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Echo);
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).contains(
            "unknown service operation `example/Echo`; known operations: file, http, shell"
        ),
        "{}",
        stderr(&out)
    );
    assert!(proxy.requests().is_empty());
}

/// `bpmn complete` takes `--connector-proxy` like `run` and `resume`: the
/// proxy task reached once a long-running task is finished from outside
/// is sent to the proxy, also when the proxy is the only service flag.
#[test]
fn complete_sends_the_next_service_task_to_the_proxy() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Echo);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bpmn/data/started_then_proxy.bpmn");
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_StartedThenProxy", "-b"])
        .arg(&model)
        .args(["--connector-proxy", &proxy.url, "--save"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        proxy.calls().is_empty(),
        "nothing sent before the completion"
    );
    let out = bpmn()
        .arg("complete")
        .arg(&state)
        .args(["Task_Wait", "--json", "--data", r#"{"count": 3}"#])
        .args(["--connector-proxy", &proxy.url])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(true), "{v}");
    assert_eq!(
        v["data"]["echoed"]["body"]["said"],
        json!("hello Ada x3"),
        "{v}"
    );
    let calls = proxy.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].1, "/v1/do/example/Echo");
}

/// A proxy that answers HTTP 202 has accepted the command to finish it
/// later: the task stays STARTED (saved so), the run stops as one that
/// waits, and `bpmn complete` finishes it with the result from outside.
#[test]
fn http_202_leaves_the_task_started_until_complete_finishes_it() {
    let proxy = Proxy::start(&["example/Echo"], Mode::Accepted202);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcProxy", "-b"])
        .arg(fixture())
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(["--connector-proxy", &proxy.url, "--save"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["started"], json!(["Task_Echo"]), "{v}");
    assert_eq!(proxy.calls().len(), 1);
    let out = bpmn()
        .arg("complete")
        .arg(&state)
        .args(["Task_Echo", "--json", "--data"])
        // The proxy's answer, as it would have sent it: it goes to the
        // task's result variable.
        .arg(r#"{"body": {"said": "later"}}"#)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["completed"], json!(true), "{v}");
    assert_eq!(v["data"]["said"], json!("later"), "{v}");
    assert_eq!(proxy.calls().len(), 1, "the proxy is not asked again");
}
