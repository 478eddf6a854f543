//! Runs every case of `tests/fixtures/bpmn/cases.json` (and of
//! `data_cases.json`, the multi-instance and loop fixtures) through the
//! library API and checks final status, data, ready tasks, task order,
//! counts and states. Each case is its own test (`cargo test exclusive_`
//! runs those cases); the lists below must name exactly the file's cases.

use crate::case::Case;
use crate::support::{self, json_cases};

/// Runs a case from start to end and fails with every difference.
fn runs_as_expected(case: &support::Case) {
    let (wf, error) = support::run(case).unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let problems = support::check(case, &wf, error);
    assert!(
        problems.is_empty(),
        "{}:\n    {}",
        case.name,
        problems.join("\n    ")
    );
}

json_cases! { mod cases = "cases.json" => super::runs_as_expected;
    sequence_with_answer sequence_waiting let_and_assign_big let_and_assign_small
    exclusive_all_true_document_order exclusive_two_true exclusive_last_true exclusive_default
    exclusive_no_default_error exclusive_no_default_high exclusive_no_default_negative
    parallel_nested_waiting parallel_nested_merge parallel_loop_three parallel_loop_once
    parallel_unstructured_waiting parallel_unstructured_completed inclusive_one inclusive_some
    inclusive_all inclusive_none_default inclusive_wait_waiting inclusive_wait_answered
    inclusive_wait_all_three inclusive_wait_not_activated inclusive_no_default_error
    inclusive_no_default_both loop_10 loop_1000 loop_1 task_split_merge subprocess_waiting
    subprocess_completed call_activity_waiting call_activity_completed call_callee_direct
    call_recursive terminate multiple_ends_waiting multiple_ends_completed lanes_process
    lanes_collaboration_waiting documentation pre_post_scripts_waiting pre_post_scripts
    pre_post_scripts_answer_overrides human_kinds_plain_task_waits human_kinds_manual_task_waits
    human_kinds_user_task_waits human_kinds_completed script_error script_infinite
    prefix_bpmn2_big prefix_bpmn2_small prefix_semantic_big prefix_semantic_small
    prefix_default_big prefix_default_small bom extensions_waiting extensions_completed
    collaboration_waiting collaboration_one_answered collaboration_completed
    service_task_without_operation io_by_id or_join_token_reaches_both_inputs_fires
    or_join_token_reaches_both_inputs_later_token_activates_again
    or_join_token_reaches_both_inputs_through_the_full_one
    or_join_token_upstream_of_empty_input_waits
    or_join_token_upstream_of_empty_input_then_fires_once
    or_join_full_input_reached_through_a_back_edge or_join_back_edge_each_token_activates_it
    or_join_inside_a_loop_waits or_join_inside_a_loop_fires_once_per_round
    or_join_nested_outer_waits_for_inner or_join_nested_each_fires_once
    or_join_nested_inner_branch_not_taken or_join_waits_for_a_subprocess
    or_join_after_the_subprocess_ends or_join_waits_for_a_boundary_event
    or_join_boundary_cancelled_with_its_activity or_join_boundary_fired
    or_join_event_gateway_branch_cancelled or_join_event_gateway_branch_taken
    or_join_split_sends_one_token_straight_in
    or_join_token_reaches_empty_input_through_a_second_input
    or_join_token_reaches_empty_input_through_a_second_input_answered
}

json_cases! { mod data_cases = "data_cases.json" => super::runs_as_expected;
    mi_parallel mi_sequential mi_cardinality mi_completion mi_inplace mi_map mi_camunda
    mi_subprocess mi_call mi_user mi_user_sequential loop_condition loop_maximum
    loop_test_before loop_user mi_scripts_around mi_scripts_on_instances loop_scripts_around
    mi_user_scripts mi_output_list_into_map mi_output_map_into_list
    mi_output_cardinality_into_map mi_camunda_cardinality mi_camunda_cardinality_collection
    mi_camunda_in_place
}

/// A task in ERROR is still a token (a retry or a reset lets it go on): an
/// OR-join it can reach does not fire without it. Kept out of `cases.json`:
/// the reset property calls an instance whose only other branch failed
/// "stuck", since nothing in it can run.
#[test]
fn an_or_join_waits_for_a_task_in_error() {
    let mut wf = Case::new("joins/or_tokens.bpmn")
        .process("Process_OrError")
        .expect_error("Task_Fail_E")
        .expect_state("Task_Fail_E", "ERROR")
        .expect_state("Join_E", "WAITING")
        .expect_count("Task_A_E", 1)
        .expect_count("Task_After_E", 0)
        .run();
    // Running again does not let the join through either.
    wf.run().expect("nothing else runs");
    let join = wf
        .tasks()
        .find(|t| t.bpmn_id == "Join_E")
        .expect("the join");
    assert_eq!(join.state.to_string(), "WAITING");
    assert!(!wf.is_completed());
    // Retried with the missing value, the failed branch arrives and the join
    // fires once, with both branches' data.
    let failed = wf.resolve_task("Task_Fail_E").expect("the failed task");
    let fix: bpmn_engine::Data = serde_json::from_value(serde_json::json!({"missing": 1})).unwrap();
    wf.reset(failed, fix).expect("a failed task can be retried");
    wf.run().expect("the retry runs");
    assert!(wf.is_completed());
    let after = wf.tasks().filter(|t| t.bpmn_id == "Task_After_E").count();
    assert_eq!(after, 1);
    assert_eq!(
        serde_json::Value::from(wf.data().clone()),
        serde_json::json!({"a": 1, "missing": 1, "b": 2, "after": 1})
    );
}
