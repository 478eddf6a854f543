//! A client for SpiffArena connector proxies (`--connector-proxy URL`): the
//! service tasks whose operator no local operation handles are sent to the
//! proxy, as SpiffArena's backend sends them.
//!
//! Protocol followed: the connector proxy protocol `/v1` with the
//! `command_response_version: 2` response envelope (SpiffArena's
//! `connector-proxies/protocol` document; older unversioned answers are
//! still accepted, as Arena accepts them):
//!
//! - `GET {URL}/v1/commands` answers a JSON array of
//!   `{"id": "connector/command", "parameters": [...]}`; it is read once,
//!   when the command loads the diagram, and service tasks naming an id it
//!   does not list are reported then (by `validate` too).
//! - `POST {URL}/v1/do/{connector}/{command}` with the evaluated parameters
//!   as a JSON object answers
//!   `{"command_response": {"body": …, "mimetype": …, "http_status": …},
//!   "command_response_version": 2, "error": null | {"error_code",
//!   "message"}, "spiff__logs": [...]}`.
//! - As in Arena, the task's result variable receives the whole
//!   `command_response` object (scripts read `result["body"]`); a `body`
//!   that is a JSON string with mimetype `application/json` is decoded. An
//!   unversioned answer is stored as it came.
//! - Failures, in Arena's order: an `error` with an `error_code`; else a
//!   `command_response.http_status` of 300 or more; else an HTTP status of
//!   300 or more; else an answer that is not JSON. Each becomes the task's
//!   error, naming the URL.
//! - An HTTP 202 (the proxy accepted the command and finishes it later),
//!   with no error in its body, leaves the task STARTED, as a `--service`
//!   connector's `{"accepted": true}` does: `bpmn complete STATE|ID TASK
//!   --data JSON` finishes it from any shell once the work is done.
//!
//! Not sent: Arena's reserved `spiff__task_data`, `spiff__task_id` and
//! `spiff__callback_url` fields (the handler sees only the parameters), nor
//! an API key header. Plain `http://` only, over the same small HTTP/1.1
//! client as the `http` operation; for an `https://` proxy put a local
//! tunnel or reverse proxy in front of it.
//!
//! Retries (`--connector-retries`, default 2) repeat a request only when no
//! command can have run: the connection was refused or reset, the
//! `--connector-timeout` (default 30 s) passed, or a gateway answered 502,
//! 503 or 504. A 500 or a connector error is not retried.

use std::time::Duration;

use bpmn_engine::{Data, ServiceOutcome};
use serde_json::Value;

use super::services::{HttpTarget, exchange};

/// The default `--connector-timeout`, in seconds.
pub const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
/// The default `--connector-retries`.
pub const DEFAULT_RETRIES: u32 = 2;

/// A connector proxy and the command ids it listed.
#[derive(Debug, Clone)]
pub struct ConnectorProxy {
    /// The base URL, without a trailing `/`.
    base: String,
    timeout: Duration,
    retries: u32,
    commands: Vec<String>,
}

impl ConnectorProxy {
    /// Reads the proxy's command list (`GET /v1/commands`).
    pub fn connect(url: &str, timeout_secs: f64, retries: u32) -> Result<Self, String> {
        if !url
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
        {
            return Err(format!(
                "--connector-proxy {url}: only plain http:// is supported; for an https proxy put a local tunnel or reverse proxy in front of it"
            ));
        }
        if !(timeout_secs.is_finite() && timeout_secs > 0.0) {
            return Err(format!(
                "--connector-timeout {timeout_secs}: expected a number of seconds above 0"
            ));
        }
        let mut proxy = ConnectorProxy {
            base: url.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs_f64(timeout_secs),
            retries,
            commands: Vec::new(),
        };
        let list_url = format!("{}/v1/commands", proxy.base);
        let (status, text) = proxy.send(&list_url, "GET", "")?;
        if !(200..300).contains(&status) {
            return Err(format!(
                "connector proxy {list_url} answered {status}: {}",
                text.trim()
            ));
        }
        let list: Value = serde_json::from_str(&text)
            .map_err(|e| format!("connector proxy {list_url} did not answer JSON: {e}"))?;
        let Some(items) = list.as_array() else {
            return Err(format!(
                "connector proxy {list_url}: expected a JSON array of commands"
            ));
        };
        proxy.commands = items
            .iter()
            .filter_map(|c| c.get("id").and_then(Value::as_str))
            .map(String::from)
            .collect();
        Ok(proxy)
    }

    /// The command ids the proxy listed (`connector/command`).
    pub fn commands(&self) -> &[String] {
        &self.commands
    }

    /// Whether the proxy listed `id`.
    pub fn has(&self, id: &str) -> bool {
        self.commands.iter().any(|c| c == id)
    }

    /// `POST /v1/do/{id}` with the parameters: the task's result, or
    /// accepted to be finished later (HTTP 202).
    pub fn call(&self, id: &str, params: &Data) -> Result<ServiceOutcome, String> {
        if id.is_empty()
            || id
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "?#%".contains(c))
        {
            return Err(format!("`{id}` cannot be sent in a connector proxy URL"));
        }
        let url = format!("{}/v1/do/{id}", self.base);
        let (status, text) = self.send(&url, "POST", &params.to_json().to_string())?;
        answer(&url, status, &text)
    }

    /// One request, repeated up to `retries` times while no command can
    /// have run; the last failure names the number of attempts.
    fn send(&self, url: &str, method: &str, body: &str) -> Result<(u16, String), String> {
        let target = HttpTarget::parse(url)?;
        let mut attempt = 0;
        loop {
            let transient = match exchange(url, &target, method, body, self.timeout) {
                Ok((status @ (502..=504), text)) => {
                    format!("connector proxy {url} answered {status}: {}", text.trim())
                }
                Ok(answer) => return Ok(answer),
                Err(e) => format!("connector proxy {url}: {e}"),
            };
            if attempt >= self.retries {
                return Err(if attempt == 0 {
                    transient
                } else {
                    format!("{transient} (after {} attempts)", attempt + 1)
                });
            }
            // A short, growing pause: a proxy restarting gets a moment.
            std::thread::sleep(Duration::from_millis(100 << attempt.min(4)));
            attempt += 1;
        }
    }
}

/// The task's result from the answer to `POST /v1/do/…`, or its error.
fn answer(url: &str, status: u16, text: &str) -> Result<ServiceOutcome, String> {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    if let Some(v) = &parsed {
        if let Some(err) = v.get("error").filter(|e| e.get("error_code").is_some()) {
            let code = err.get("error_code").map(plain).unwrap_or_default();
            let message = err.get("message").map(plain).unwrap_or_default();
            return Err(format!(
                "connector proxy {url} answered error {code}: {message}"
            ));
        }
        let inner = v
            .get("command_response")
            .and_then(|r| r.get("http_status"))
            .and_then(Value::as_u64);
        if let Some(inner) = inner.filter(|s| *s >= 300) {
            let body = v["command_response"]
                .get("body")
                .map(plain)
                .unwrap_or_default();
            return Err(format!(
                "connector proxy {url}: the command answered HTTP {inner}: {body}"
            ));
        }
    }
    if status == 202 {
        return Ok(ServiceOutcome::Accepted);
    }
    if !(200..300).contains(&status) {
        return Err(format!(
            "connector proxy {url} answered {status}: {}",
            text.trim()
        ));
    }
    let Some(v) = parsed else {
        return Err(format!(
            "connector proxy {url} did not answer JSON: {}",
            text.trim()
        ));
    };
    if v.get("command_response_version").is_none() {
        return Ok(ServiceOutcome::Done(v));
    }
    let mut response = v.get("command_response").cloned().unwrap_or(Value::Null);
    let json_text = response.get("mimetype").and_then(Value::as_str) == Some("application/json");
    if let Some(body) = response.get_mut("body")
        && json_text
        && let Some(decoded) = body.as_str().and_then(|s| serde_json::from_str(s).ok())
    {
        *body = decoded;
    }
    Ok(ServiceOutcome::Done(response))
}

/// A JSON value as text: strings without their quotes.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URL: &str = "http://proxy/v1/do/x/Y";

    #[test]
    fn version_2_answers_store_the_command_response_with_a_json_body_decoded() {
        let text = json!({
            "command_response": {"body": "{\"a\": 1}", "mimetype": "application/json"},
            "command_response_version": 2, "error": null, "spiff__logs": []
        })
        .to_string();
        assert_eq!(
            answer(URL, 200, &text).unwrap(),
            ServiceOutcome::Done(json!({"body": {"a": 1}, "mimetype": "application/json"}))
        );
        // Unversioned answers are kept as they came.
        assert_eq!(
            answer(URL, 200, r#"{"x": 2}"#).unwrap(),
            ServiceOutcome::Done(json!({"x": 2}))
        );
    }

    #[test]
    fn failures_follow_arenas_order() {
        // A structured error wins over every status.
        let e = answer(
            URL,
            500,
            r#"{"command_response": {}, "error": {"error_code": "Nope", "message": "no such thing"}}"#,
        )
        .unwrap_err();
        assert!(e.ends_with("answered error Nope: no such thing"), "{e}");
        let e = answer(
            URL,
            200,
            r#"{"command_response": {"body": "gone", "http_status": 404}, "command_response_version": 2, "error": null}"#,
        )
        .unwrap_err();
        assert!(e.ends_with("the command answered HTTP 404: gone"), "{e}");
        let e = answer(URL, 500, "boom").unwrap_err();
        assert!(e.ends_with("answered 500: boom"), "{e}");
        let e = answer(URL, 200, "<html>").unwrap_err();
        assert!(e.contains("did not answer JSON"), "{e}");
        // A 202 whose body says the command failed is that failure.
        let e = answer(
            URL,
            202,
            r#"{"error": {"error_code": "Busy", "message": "try later"}}"#,
        )
        .unwrap_err();
        assert!(e.ends_with("answered error Busy: try later"), "{e}");
    }

    #[test]
    fn http_202_is_accepted_to_be_finished_later() {
        // Whatever the body says besides an error, even none at all.
        for body in ["", r#"{"command_response": {"body": {}}}"#] {
            assert_eq!(answer(URL, 202, body).unwrap(), ServiceOutcome::Accepted);
        }
    }
}
