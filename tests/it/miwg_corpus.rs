//! `bpmn validate` over the BPMN MIWG interchange suite (327 files from 10
//! modelling tools, 4 of them malformed): every file is either accepted or
//! refused with file:line:col messages; nothing crashes. The corpus lives in
//! `../shared/corpora/miwg` beside the project (also in CI).

use crate::support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn corpus() -> PathBuf {
    support::corpus("miwg", "").expect("checked by the test")
}

fn bpmn_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            bpmn_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "bpmn") {
            out.push(p);
        }
    }
}

#[test]
fn every_miwg_file_is_accepted_or_clearly_refused() {
    if support::corpus("miwg", "").is_none() {
        return;
    }
    let mut files = Vec::new();
    bpmn_files(&corpus(), &mut files);
    files.sort();
    assert_eq!(files.len(), 327);
    let (mut accepted, mut refused) = (0, 0);
    let mut problems = Vec::new();
    for f in &files {
        let out = Command::cargo_bin("bpmn")
            .unwrap()
            .args(["validate", "-b"])
            .arg(f)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => accepted += 1,
            Some(2) => {
                refused += 1;
                let first_error = stdout.lines().find(|l| l.contains(": error: "));
                let Some(line) = first_error else {
                    problems.push(format!(
                        "{}: refused without an error line: {stdout}{stderr}",
                        f.display()
                    ));
                    continue;
                };
                // file:line:col: error: …
                let rest = line.strip_prefix(&*f.to_string_lossy()).unwrap_or("");
                let mut parts = rest.splitn(4, ':');
                let _ = parts.next();
                let ok = parts.next().is_some_and(|l| l.parse::<u32>().is_ok())
                    && parts.next().is_some_and(|c| c.parse::<u32>().is_ok());
                if !ok {
                    problems.push(format!(
                        "{}: error line without file:line:col: {line}",
                        f.display()
                    ));
                }
            }
            other => problems.push(format!("{}: exit {other:?}: {stderr}", f.display())),
        }
        if stderr.contains("panicked") {
            problems.push(format!("{}: panicked: {stderr}", f.display()));
        }
        if f.to_string_lossy().contains("malformed XML samples") && out.status.code() != Some(2) {
            problems.push(format!("{}: malformed file accepted", f.display()));
        }
    }
    eprintln!(
        "MIWG: {accepted} accepted, {refused} refused of {}",
        files.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(accepted >= 180, "only {accepted} files accepted");
}
