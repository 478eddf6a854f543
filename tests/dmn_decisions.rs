//! DMN decisions through the library API: one test per hit policy and
//! aggregation, FEEL and Rhai expressions, requirements across files, DMN
//! 1.1–1.5 namespaces, and the diagnostics of invalid files.

use std::path::PathBuf;

use bpmn_runner::Severity;
use bpmn_runner::dmn::{Decisions, DmnError};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/dmn")
        .join(name)
}

fn load(names: &[&str]) -> Decisions {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    Decisions::load(&paths)
}

fn data(v: Value) -> bpmn_runner::Data {
    v.as_object()
        .expect("test data is an object")
        .clone()
        .into()
}

fn eval(d: &Decisions, id: &str, v: Value) -> Result<Value, DmnError> {
    d.evaluate(id, &data(v)).map(|r| r.value())
}

fn policies() -> Decisions {
    let d = load(&["hit_policies.dmn"]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    d
}

#[test]
fn unique_gives_the_one_match_and_names_overlapping_rules() {
    let d = policies();
    assert_eq!(eval(&d, "unique", json!({"n": 2})).unwrap(), json!("low"));
    assert_eq!(eval(&d, "unique", json!({"n": 0})).unwrap(), json!(null));
    let err = eval(&d, "unique", json!({"n": 7})).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("`unique`"), "{msg}");
    assert!(
        msg.contains("rules 1 (unique_r1) and 2 (unique_r2) match"),
        "{msg}"
    );
    let numbers: Vec<usize> = err.rules().iter().map(|r| r.number).collect();
    assert_eq!(numbers, vec![1, 2]);
}

#[test]
fn any_needs_matches_to_agree() {
    let d = policies();
    assert_eq!(eval(&d, "any", json!({"n": 50})).unwrap(), json!("ok"));
    let err = eval(&d, "any", json!({"n": 150})).unwrap_err();
    assert!(matches!(err, DmnError::AnyConflict { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("rules 1 (any_r1), 2 (any_r2) and 3 (any_r3)"),
        "{err}"
    );
}

#[test]
fn priority_ranks_by_output_values_then_rule_order() {
    let d = policies();
    assert_eq!(
        eval(&d, "priority", json!({"n": 50})).unwrap(),
        json!({"level": "silver", "note": "r2"})
    );
    assert_eq!(
        eval(&d, "priority", json!({"n": 500})).unwrap(),
        json!({"level": "gold", "note": "r4"})
    );
}

#[test]
fn first_takes_the_first_match() {
    let d = policies();
    assert_eq!(eval(&d, "first", json!({"n": 500})).unwrap(), json!("a"));
    assert_eq!(eval(&d, "first", json!({"n": 50})).unwrap(), json!("b"));
    let r = d.evaluate("first", &data(json!({"n": 50}))).unwrap();
    assert_eq!(r.matched_rules(), &[2]);
}

#[test]
fn rule_order_lists_matches_in_rule_order() {
    let d = policies();
    assert_eq!(
        eval(&d, "rule_order", json!({"n": 150})).unwrap(),
        json!([1, 2, 3])
    );
    assert_eq!(eval(&d, "rule_order", json!({"n": 5})).unwrap(), json!([1]));
    assert_eq!(
        eval(&d, "rule_order", json!({"n": -5})).unwrap(),
        json!(null)
    );
}

#[test]
fn output_order_sorts_by_output_values() {
    let d = policies();
    assert_eq!(
        eval(&d, "output_order", json!({"n": 150})).unwrap(),
        json!(["c", "b", "a"])
    );
}

#[test]
fn collect_lists_every_match() {
    let d = policies();
    assert_eq!(
        eval(&d, "collect", json!({"n": 150})).unwrap(),
        json!([10, 5, 20])
    );
    assert_eq!(
        eval(&d, "collect_multi", json!({"n": 60})).unwrap(),
        json!([{"grade": "C", "points": 1}, {"grade": "B", "points": 3}])
    );
}

#[test]
fn collect_sum_adds_outputs() {
    let d = policies();
    assert_eq!(
        eval(&d, "collect_sum", json!({"n": 150})).unwrap(),
        json!(35)
    );
    assert_eq!(
        eval(&d, "collect_sum", json!({"n": -1})).unwrap(),
        json!(null)
    );
}

#[test]
fn collect_min_takes_the_smallest() {
    let d = policies();
    assert_eq!(
        eval(&d, "collect_min", json!({"n": 150})).unwrap(),
        json!(5)
    );
}

#[test]
fn collect_max_takes_the_largest() {
    let d = policies();
    assert_eq!(
        eval(&d, "collect_max", json!({"n": 150})).unwrap(),
        json!(20)
    );
    assert_eq!(
        eval(&d, "collect_max", json!({"n": 50})).unwrap(),
        json!(10)
    );
}

#[test]
fn collect_count_counts_matches() {
    let d = policies();
    assert_eq!(
        eval(&d, "collect_count", json!({"n": 150})).unwrap(),
        json!(3)
    );
    assert_eq!(
        eval(&d, "collect_count", json!({"n": -1})).unwrap(),
        json!(0)
    );
}

#[test]
fn several_outputs_give_a_map_and_defaults_apply_when_nothing_matches() {
    let d = policies();
    let r = d.evaluate("multi_output", &data(json!({"n": 95}))).unwrap();
    assert_eq!(r.value(), json!({"grade": "A", "points": 4}));
    assert_eq!(r.outputs(), vec!["grade".to_string(), "points".to_string()]);
    assert_eq!(
        eval(&d, "multi_output", json!({"n": 10})).unwrap(),
        json!({"grade": "none", "points": 0})
    );
    assert_eq!(d.outputs("first"), Some(vec!["letter".to_string()]));
}

#[test]
fn many_decisions_per_file_are_all_loaded() {
    let d = policies();
    assert_eq!(d.decision_ids().len(), 13);
    assert_eq!(d.find("Collect sum"), Some("collect_sum"));
    assert_eq!(d.name("collect_sum"), Some("Collect sum"));
}

#[test]
fn unknown_decisions_and_names_are_clear_errors() {
    let d = policies();
    let err = eval(&d, "colect", json!({})).unwrap_err();
    assert!(err.to_string().contains("did you mean `collect`"), "{err}");
    let err = eval(&d, "first", json!({"m": 1})).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("`first`") && msg.contains("unknown name `n`"),
        "{msg}"
    );
    assert!(
        msg.contains("hit_policies.dmn:"),
        "names the file and line: {msg}"
    );
}

#[test]
fn feel_names_with_spaces_dates_ranges_and_conditionals() {
    let d = load(&["feel.dmn"]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    assert_eq!(
        eval(&d, "greeting", json!({"Full Name": "Ada"})).unwrap(),
        json!("Hello Ada")
    );
    for (date, period) in [
        ("2023-12-31", "before 2024"),
        ("2024-12-31", "2024"),
        ("2025-01-01", "after 2024"),
    ] {
        assert_eq!(
            eval(&d, "order_period", json!({"order date": date})).unwrap(),
            json!(period),
            "{date}"
        );
    }
    let range = |amount: i64| {
        eval(
            &d,
            "in_range",
            json!({"amount": amount, "low": 1, "high": 4}),
        )
    };
    assert_eq!(range(4).unwrap(), json!("inside"));
    assert_eq!(range(5).unwrap(), json!("outside"));
    assert_eq!(
        eval(
            &d,
            "vat",
            json!({"amount": 100, "customer": {"country": "DE"}})
        )
        .unwrap(),
        json!(19)
    );
    assert_eq!(
        eval(
            &d,
            "vat",
            json!({"amount": 100, "customer": {"country": "FR"}})
        )
        .unwrap(),
        json!(0)
    );
    assert_eq!(
        eval(&d, "waiting", json!({"waiting time": "P2DT1H"})).unwrap(),
        json!("late")
    );
    assert_eq!(
        eval(&d, "question_mark", json!({"n": 6})).unwrap(),
        json!("middle")
    );
    assert_eq!(
        eval(&d, "question_mark", json!({"n": null})).unwrap(),
        json!("missing")
    );
    let err = eval(&d, "unknown_name", json!({"amount": 1, "discount": 2})).unwrap_err();
    assert!(err.to_string().contains("did you mean `discount`"), "{err}");
}

#[test]
fn rhai_expressions_and_cells() {
    let d = load(&["rhai.dmn"]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    let order = |items: usize| json!({"order": {"items": vec![1; items], "total": 100}});
    assert_eq!(eval(&d, "bulk_discount", order(4)).unwrap(), json!(80));
    assert_eq!(eval(&d, "bulk_discount", order(5)).unwrap(), json!(90));
    assert_eq!(eval(&d, "bulk_discount", order(1)).unwrap(), json!(100));
    assert_eq!(
        eval(&d, "rhai_literal", json!({"n": 1})).unwrap(),
        json!("few")
    );
    let err = eval(&d, "rhai_failure", json!({"n": 1})).unwrap_err();
    assert!(err.to_string().contains("rhai_failure"), "{err}");
}

#[test]
fn required_decisions_run_first_across_files() {
    let d = load(&["requirements.dmn", "requirements_base.dmn"]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    assert_eq!(
        eval(&d, "total", json!({"product": "book", "quantity": 2})).unwrap(),
        json!(34)
    );
    assert_eq!(
        eval(&d, "total", json!({"product": "pen", "quantity": 20})).unwrap(),
        json!(40)
    );
    let err = eval(&d, "total", json!({"quantity": 2})).unwrap_err();
    assert!(matches!(err, DmnError::Required { .. }), "{err}");
    assert!(err.to_string().contains("`unit_price`"), "{err}");

    // Without the file that defines unit_price, total cannot load.
    let alone = load(&["requirements.dmn"]);
    assert!(
        alone
            .diagnostics()
            .iter()
            .any(|x| x.message.contains("`unit_price` is not defined"))
    );
    assert!(matches!(
        eval(&alone, "total", json!({})).unwrap_err(),
        DmnError::Invalid { .. }
    ));
    assert_eq!(
        eval(&alone, "shipping_fee", json!({"quantity": 1})).unwrap(),
        json!(4)
    );
}

#[test]
fn a_requirement_cycle_is_a_load_error() {
    let d = load(&["cycle.dmn"]);
    let cycle: Vec<_> = d
        .diagnostics()
        .iter()
        .filter(|x| x.message.contains("cycle"))
        .collect();
    assert_eq!(cycle.len(), 1, "{:?}", d.diagnostics());
    assert!(cycle[0].message.contains("a → b → a"), "{}", cycle[0]);
    assert_eq!(cycle[0].line, 4);
    for id in ["a", "b", "c"] {
        assert!(matches!(
            eval(&d, id, json!({})).unwrap_err(),
            DmnError::Invalid { .. }
        ));
    }
    assert_eq!(eval(&d, "free", json!({})).unwrap(), json!(1));
}

#[test]
fn dmn_1_1_to_1_5_namespaces_load_together() {
    let d = load(&["v11.dmn", "v12.dmn", "v13.dmn", "v14.dmn", "v15.dmn"]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    for v in ["11", "12", "13", "14", "15"] {
        let want = format!("1.{}", &v[1..]);
        assert_eq!(
            eval(&d, &format!("v{v}"), json!({"colour": "red"})).unwrap(),
            json!(want)
        );
    }
}

#[test]
fn invalid_files_report_file_line_column_and_element() {
    let d = load(&["invalid/bad_feel.dmn"]);
    let errs: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("bad_feel.dmn:14:44: error: bad_rule:") && e.contains("[18..65")),
        "{errs:#?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("unknown function `shout`")),
        "{errs:#?}"
    );
    assert_eq!(d.problems_for("broken").len(), 2);
    assert!(d.problems_for("fine").is_empty());
    assert_eq!(eval(&d, "fine", json!({})).unwrap(), json!(2));

    let d = load(&["invalid/bad_columns.dmn"]);
    let text: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    for want in [
        "short_rule: rule 1 has 1 input entries but the table has 2 inputs",
        "aggregation `SUM` needs hit policy COLLECT",
        "PRIORITY ranks matches by the outputs' allowed values",
        "unknown hit policy `SOMETIMES`",
        "required decision `nowhere` is not defined",
        "decision logic `relation` is not supported",
    ] {
        assert!(
            text.iter().any(|t| t.contains(want)),
            "missing {want:?} in {text:#?}"
        );
    }

    let d = load(&["invalid/malformed.dmn"]);
    let e = &d.diagnostics()[0];
    assert_eq!((e.severity, e.line), (Severity::Error, 7));
    assert!(e.message.contains("malformed XML"), "{e}");

    let d = load(&["invalid/not_dmn.dmn", "missing.dmn"]);
    let text: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|t| t.contains("not a DMN file")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|t| t.contains("missing.dmn") && t.contains("cannot read")),
        "{text:?}"
    );
}

#[test]
fn garbage_never_panics() {
    let good = std::fs::read(fixture("hit_policies.dmn")).unwrap();
    let mut sources = Vec::new();
    for cut in (0..good.len()).step_by(97) {
        sources.push((PathBuf::from(format!("cut{cut}.dmn")), good[..cut].to_vec()));
    }
    sources.push(("bytes.dmn".into(), vec![0xff, 0xfe, 0x00, 0x3c]));
    sources.push(("empty.dmn".into(), Vec::new()));
    let d = Decisions::from_sources(sources);
    assert!(d.has_errors());
    let text = "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"><decision id=\"x\"><decisionTable><input><inputExpression><text>a</text></inputExpression></input><output/><rule><inputEntry><text>]]..[[ , not(</text></inputEntry><outputEntry><text>((((</text></outputEntry></rule></decisionTable></decision></definitions>";
    let d = Decisions::from_sources(vec![("x.dmn".into(), text.as_bytes().to_vec())]);
    assert!(d.has_errors());
    assert!(d.evaluate("x", &bpmn_runner::Data::new()).is_err());
}

#[test]
fn knowledge_models_contexts_and_invocations() {
    let d = load(&["boxed.dmn"]);
    let errors: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("missing_model: invocation of `no such model`"),
        "{errors:#?}"
    );
    let order = json!({"tier": "gold", "total": 200, "parcel": {"kg": 3}});
    assert_eq!(eval(&d, "net_price", order.clone()).unwrap(), json!(180));
    assert_eq!(eval(&d, "band", order.clone()).unwrap(), json!("light"));
    assert_eq!(
        eval(&d, "quote", order.clone()).unwrap(),
        json!({"Discount": 20, "Net": 180})
    );
    assert_eq!(
        eval(&d, "label", order.clone()).unwrap(),
        json!("big order")
    );
    let err = eval(&d, "runaway", order).unwrap_err().to_string();
    assert!(
        err.contains("knowledge model `forever`: invoked more than 32 levels deep"),
        "{err}"
    );
}
