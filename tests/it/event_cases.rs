//! Runs every case of `tests/fixtures/bpmn/event_cases.json` (events,
//! timers on a virtual clock, messages and signals from outside) through the
//! library, through save/restore at every step, and through the built
//! binary. Each case is its own test (`cargo test timer_` runs those
//! cases); the list below must name exactly the file's cases.

use assert_cmd::Command;
use bpmn_engine::storage::{self, Format};
use serde_json::Value;

use crate::support::{Case, check, drive, fixture, json_cases, start};

/// The library run, the run restored at every step and the CLI agree with
/// the case; fails with every difference.
fn runs_as_expected(case: &Case) {
    let mut failures = library_failures(case);
    failures.extend(cli_failure(case));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs the case, then again saved and restored at every step in both
/// formats: the same outcome each time.
fn library_failures(case: &Case) -> Vec<String> {
    let mut failures = Vec::new();
    let (mut wf, origin) = match start(case) {
        Ok(x) => x,
        Err(e) => return vec![format!("{}: {e}", case.name)],
    };
    let (_, err, _) = drive(&mut wf, &case.answers, 0, None);
    let problems = check(case, &wf, err);
    if !problems.is_empty() {
        return vec![format!("{}:\n    {}", case.name, problems.join("\n    "))];
    }
    // Save and restore at every step, in both formats: same outcome.
    let total = wf.completed_tasks().count() + case.answers.len() + 4;
    for p in 0..total {
        for format in [Format::Json, Format::Ron] {
            let (mut a, _) = start(case).unwrap();
            let (next, _, paused) = drive(&mut a, &case.answers, 0, Some(p));
            if !paused {
                continue;
            }
            let bytes = storage::save_bytes(&a, &origin, format).unwrap();
            let (mut b, _) = match storage::load_bytes(&bytes, format) {
                Ok(x) => x,
                Err(e) => {
                    failures.push(format!(
                        "{} step {p} {format:?}: restore failed: {e}",
                        case.name
                    ));
                    continue;
                }
            };
            let (_, e2, _) = drive(&mut b, &case.answers, next, None);
            let problems = check(case, &b, e2);
            if !problems.is_empty() {
                failures.push(format!(
                    "{} after restore at step {p} ({format:?}):\n    {}",
                    case.name,
                    problems.join("\n    ")
                ));
            }
        }
    }
    failures
}

/// `bpmn run --answers --json` on the case: the exit code its status
/// promises and, when the case names it, the final data.
fn cli_failure(case: &Case) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.json");
    std::fs::write(&answers, Value::Array(case.answers.clone()).to_string()).unwrap();
    let mut cmd = Command::cargo_bin("bpmn").unwrap();
    cmd.arg("run").arg("-b");
    for f in &case.files {
        cmd.arg(fixture(f));
    }
    match (&case.process, &case.collaboration) {
        (Some(p), _) => cmd.args(["-p", p]),
        (None, Some(c)) => cmd.args(["-c", c]),
        _ => unreachable!(),
    };
    if let Some(now) = &case.now {
        cmd.args(["--now", now]);
    }
    cmd.arg("--data")
        .arg(Value::Object(case.data.clone()).to_string());
    cmd.arg("--answers").arg(&answers).arg("--json");
    let out = cmd.output().unwrap();
    let want = match case.expect.status.as_str() {
        "completed" => 0,
        "waiting" => 4,
        _ => 3,
    };
    if out.status.code() != Some(want) {
        return Some(format!(
            "{} (CLI): exit {:?} expected {want}: {}",
            case.name,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    match &case.expect.data {
        Some(d) if v["data"] != Value::Object(d.clone()) => Some(format!(
            "{} (CLI): data {} expected {}",
            case.name,
            v["data"],
            Value::Object(d.clone())
        )),
        _ => None,
    }
}

json_cases! { mod cases = "event_cases.json" => super::runs_as_expected;
    message_catch_waiting message_catch_payload message_catch_wrong_name receive_task_waiting
    receive_task_payload send_receive_collab_waiting send_receive_collab_delivered
    message_internal timer_duration_waiting timer_duration_fires timer_date_not_yet
    timer_date_fires timer_boundary_not_due timer_boundary_interrupts timer_boundary_task_first
    timer_cycle_three_times timer_cycle_two_so_far timer_cycle_then_done timers_earliest_first
    timers_only_due_fire timer_boundary_cancelled_does_not_fire event_gateway_waiting
    event_gateway_timer_wins event_gateway_message_wins event_gateway_receive_task_wins
    event_gateway_late_message signal_parallel_waiting signal_parallel_thrown_inside
    signal_parallel_from_outside signal_boundary_waiting signal_boundary_interrupts
    signal_boundary_non_interrupting signal_boundary_after_task signal_nobody_waits
    signal_collab_waiting signal_collab_across_pools error_boundary_not_thrown
    error_boundary_caught error_uncaught error_nested_caught_two_levels_up error_nested_no_error
    error_call_activity_catch_all error_call_activity_no_error
    error_event_subprocess_before_boundary escalation_non_interrupting
    escalation_uncaught_completes escalation_event_subprocess
    escalation_event_subprocess_completed sub_boundary_message_waiting
    sub_boundary_message_interrupting sub_boundary_message_non_interrupting
    sub_boundary_message_then_complete event_subprocess_idle event_subprocess_interrupting
    event_subprocess_non_interrupting event_subprocess_keeps_process_open
    event_subprocess_both_end event_subprocess_interrupts_other event_subprocess_error_start
    event_subprocess_error_not_thrown event_subprocess_nested_waiting
    event_subprocess_nested_interrupting event_subprocess_nested_after_scope
    message_start_waiting message_start_runs correlation_two_conversations correlation_one_paid
    correlation_matching_instance correlation_no_match correlation_same_order_twice
    conditional_true_when_reached conditional_waits conditional_still_false
    conditional_fires_later link_throw_catch terminate_in_subprocess
    terminate_in_subprocess_completed compensation_throw_runs_handlers_in_reverse
    transaction_cancel_compensates_then_leaves_by_cancel_boundary
    transaction_completes_without_compensation multiple_catch_fires_on_either
    parallel_multiple_waits_for_all timer_expression_not_due
    parallel_multiple_then_timer_expression error_bubbles_through_two_call_activities
    two_call_activities_without_error correlation_mi_waiting correlation_mi_one_quote
    correlation_mi_quotes_any_order correlation_mi_unknown_order correlation_mi_twice
    correlation_mi_uncorrelated correlation_mi_collab message_by_name_waiting
    message_by_name_pong message_by_name_ping_twice message_spiff_payload
    message_spiff_expected_key message_spiff_expected_key_from_outside message_camunda_payload
    correlation_mi_receive_own correlation_mi_receive_unknown correlation_mi_receive_any
    correlation_boundary_own correlation_boundary_other correlation_boundary_confirm
    conditional_data_object_from_another_branch conditional_data_object_still_false
    conditional_data_object_written_in_a_subprocess
    conditional_data_object_written_in_a_subprocess_still_false
    conditional_data_object_of_the_enclosing_process
    conditional_data_object_of_the_enclosing_process_still_false
    conditional_boundary_interrupting_on_data_object
    conditional_boundary_non_interrupting_fires_when_it_becomes_true
    conditional_boundary_non_interrupting_not_again_while_true
    conditional_event_subprocess_interrupting_on_data_object
    conditional_event_subprocess_non_interrupting_on_data_object signal_spiff_payload
    error_spiff_payload error_spiff_payload_no_variable escalation_spiff_payload
}
