//! Service tasks: a handler registered through the library, the checks at
//! load time, failures that leave the task in ERROR and resume, and the
//! operations the CLI ships (file, shell, http, connectors).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use assert_cmd::Command;
use bpmn_runner::{Data, ServiceHandler, Specs, TaskState};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/bpmn/data/{name}"))
}

fn obj(v: Value) -> Data {
    v.as_object().unwrap().clone()
}

/// Echoes its parameters; fails while `broken` is set.
struct Echo {
    broken: AtomicBool,
    calls: Mutex<Vec<String>>,
}

impl ServiceHandler for Echo {
    fn operations(&self) -> Vec<String> {
        vec!["lookup".into(), "com.example.Lookup".into()]
    }
    fn call(&self, operation: &str, parameters: &Data) -> Result<Value, String> {
        self.calls.lock().unwrap().push(operation.to_string());
        if self.broken.load(Ordering::SeqCst) {
            return Err("the lookup service is down".into());
        }
        Ok(json!({"op": operation, "params": parameters}))
    }
}

fn echo(broken: bool) -> Arc<Echo> {
    Arc::new(Echo {
        broken: AtomicBool::new(broken),
        calls: Mutex::new(Vec::new()),
    })
}

#[test]
fn spiff_operator_parameters_are_evaluated_and_the_result_stored() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let h = echo(false);
    assert!(specs.check_services(h.as_ref()).is_empty());
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 21})))
        .unwrap();
    wf.set_service_handler(h.clone());
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(
        wf.data()["answer"],
        json!({"op": "lookup", "params": {"q": "Ada!", "n": 42}})
    );
}

#[test]
fn camunda_class_and_input_parameters() {
    let specs = Specs::load(&[fixture("svc_camunda.bpmn")]);
    assert!(specs.diagnostics().is_empty(), "{:?}", specs.diagnostics());
    let mut wf = specs
        .start("Process_SvcCamunda", obj(json!({"name": "Ada"})))
        .unwrap();
    wf.set_service_handler(echo(false));
    wf.run().unwrap();
    assert_eq!(
        wf.data()["answer"],
        json!({"op": "com.example.Lookup", "params": {"q": "Ada", "fixed": "constant"}})
    );
}

#[test]
fn unknown_operations_are_listed_at_load_time() {
    struct Other;
    impl ServiceHandler for Other {
        fn operations(&self) -> Vec<String> {
            vec!["b".into(), "a".into()]
        }
        fn call(&self, _: &str, _: &Data) -> Result<Value, String> {
            Ok(Value::Null)
        }
    }
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let problems = specs.check_services(&Other);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].element.as_deref(), Some("Task_Lookup"));
    assert!(
        problems[0]
            .message
            .contains("unknown service operation `lookup`; known operations: a, b"),
        "{}",
        problems[0].message
    );
}

#[test]
fn a_failing_service_leaves_the_task_in_error_and_resumes_when_fixed() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let h = echo(true);
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 1})))
        .unwrap();
    wf.set_service_handler(h.clone());
    let err = wf.run().unwrap_err();
    assert_eq!(err.element, "Task_Lookup");
    assert!(err.message.contains("the lookup service is down"), "{err}");
    let t = err.task.unwrap();
    assert_eq!(wf.task(t).unwrap().state, TaskState::Error);
    h.broken.store(false, Ordering::SeqCst);
    wf.retry_failed();
    wf.run().unwrap();
    assert!(wf.is_completed());
    assert_eq!(h.calls.lock().unwrap().len(), 2);
}

#[test]
fn without_a_handler_a_service_task_is_an_error_not_a_panic() {
    let specs = Specs::load(&[fixture("svc_spiff.bpmn")]);
    let mut wf = specs
        .start("Process_SvcSpiff", obj(json!({"name": "Ada", "count": 1})))
        .unwrap();
    let err = wf.run().unwrap_err();
    assert!(err.message.contains("no service handler"), "{err}");
}

fn bpmn() -> Command {
    Command::cargo_bin("bpmn").unwrap()
}

#[test]
fn cli_connector_gets_parameters_on_stdin() {
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(["--service", "lookup=cat"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["answer"], json!({"q": "Ada!", "n": 4}));
}

#[test]
fn cli_unknown_operation_is_a_load_error_listing_known_ones() {
    let out = bpmn()
        .args(["run", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown service operation `lookup`; known operations: file, http, shell"),
        "{err}"
    );
}

#[test]
fn cli_failing_connector_then_resume_after_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let flag = dir.path().join("up");
    let command = format!(
        "lookup=test -f {} && cat || (echo down >&2; exit 1)",
        flag.display()
    );
    let out = bpmn()
        .args(["run", "-p", "Process_SvcSpiff", "-b"])
        .arg(fixture("svc_spiff.bpmn"))
        .args(["--data", r#"{"name": "Ada", "count": 2}"#])
        .args(["--service", &command, "--save"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("down"));
    std::fs::write(&flag, "").unwrap();
    let out = bpmn()
        .arg("resume")
        .arg(&state)
        .args(["--json", "--service", &command])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["answer"]["q"], json!("Ada!"));
}

#[test]
fn cli_file_and_shell_operations() {
    let dir = tempfile::tempdir().unwrap();
    let run = |allow: bool| {
        let mut c = bpmn();
        c.args(["run", "--json", "-p", "Process_SvcBuiltin", "-b"])
            .arg(fixture("svc_builtin.bpmn"))
            .args(["--data", r#"{"payload": {"x": [1, 2]}}"#, "--file-dir"])
            .arg(dir.path());
        if allow {
            c.arg("--allow-shell");
        }
        c.output().unwrap()
    };
    let out = run(false);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --allow-shell"));
    let out = run(true);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["read_back"], json!({"x": [1, 2]}));
    assert_eq!(v["data"]["shell"]["stdout"], json!("hi\n"));
    assert!(dir.path().join("out/result.json").exists());
}

#[test]
fn cli_http_posts_json_to_a_local_listener() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        loop {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got);
            if let Some(i) = text.find("\r\n\r\n") {
                if text[i + 4..].ends_with('}') || n == 0 {
                    break;
                }
            }
        }
        let request = String::from_utf8_lossy(&got).to_string();
        let body = r#"{"ok": true}"#;
        write!(
            s,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request
    });
    let data = json!({"url": format!("http://127.0.0.1:{port}/items"), "payload": {"a": 1}});
    let out = bpmn()
        .args(["run", "--json", "-p", "Process_SvcHttp", "-b"])
        .arg(fixture("svc_http.bpmn"))
        .args(["--data", &data.to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["data"]["response"], json!({"ok": true}));
    let request = server.join().unwrap();
    assert!(request.starts_with("POST /items HTTP/1.1"), "{request}");
    assert!(request.ends_with(r#"{"a":1}"#), "{request}");
}

#[test]
fn cli_http_connection_refused_is_a_workflow_error() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let data = json!({"url": format!("http://127.0.0.1:{port}/"), "payload": {}});
    let out = bpmn()
        .args(["run", "-p", "Process_SvcHttp", "-b"])
        .arg(fixture("svc_http.bpmn"))
        .args(["--data", &data.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot connect"));
}

#[test]
fn validate_checks_service_operations_against_the_known_ones() {
    let file = fixture("svc_spiff.bpmn");
    Command::cargo_bin("bpmn")
        .unwrap()
        .args(["validate", "-b"])
        .arg(&file)
        .assert()
        .code(2)
        .stdout(predicates::str::contains(
            "unknown service operation `lookup`",
        ))
        .stdout(predicates::str::contains(
            "known operations: file, http, shell",
        ));
    Command::cargo_bin("bpmn")
        .unwrap()
        .args(["validate", "-b"])
        .arg(&file)
        .args(["--service", "lookup=cat"])
        .assert()
        .code(0);
}
