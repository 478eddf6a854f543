//! DMN decisions through the library API: one test per hit policy and
//! aggregation, FEEL and Rhai expressions, requirements across files, DMN
//! 1.1–1.5 namespaces, and the diagnostics of invalid files; tables written
//! for SpiffWorkflow (Python cells, label inputs) and how business rule
//! tasks store results, run through diagrams.

use std::path::PathBuf;

use bpmn_engine::Severity;
use bpmn_engine::Specs;
use bpmn_engine::dmn::{Decisions, DmnError, PythonHint};
use bpmn_engine::parser::LoadOptions;
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

fn data(v: Value) -> bpmn_engine::Data {
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
    // A name called as a function may hold one at run time (a context
    // entry, a parameter), so an unknown function fails when evaluated.
    assert_eq!(d.problems_for("broken").len(), 1);
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
        "function definition: kind=\"Java\" functions (external Java) are not supported",
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
            .any(|t| t.ends_with("missing.dmn: error: no such file (check the path)")),
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
    assert!(d.evaluate("x", &bpmn_engine::Data::new()).is_err());
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

#[test]
fn imported_models_are_named_with_their_prefix() {
    let d = load(&["imports/main.dmn", "imports/greetings.dmn"]);
    assert!(!d.has_errors(), "{:#?}", d.diagnostics());
    // The main model's `salutation` wins its id; the imported one with
    // the same id is evaluated for `Letter` as `lib.Salutation`.
    assert_eq!(
        eval(&d, "salutation", json!({"Person": "Bo"})).unwrap(),
        json!("Hello Bo!")
    );
    assert_eq!(
        eval(&d, "Letter", json!({"Person": "Bo", "Title": "Ms Li"})).unwrap(),
        json!("Dear Ms Li. Hello Bo!")
    );
    // Without the imported file the import is reported and the names it
    // prefixes are unknown.
    let d = Decisions::load(&[fixture("imports/main.dmn")]);
    let text: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|t| t
            .contains("import `lib`: no loaded DMN file has namespace `urn:example:greetings`")),
        "{text:#?}"
    );
    assert!(d.evaluate("salutation", &bpmn_engine::Data::new()).is_err());
}

#[test]
fn decision_services_and_boxed_expressions() {
    let d = load(&["services.dmn"]);
    let errors: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("external: function definition: kind=\"Java\""),
        "{errors:#?}"
    );
    // Pricing(Quantity, Unit Price): input data first, then the input
    // decision, whose own logic (10) is not evaluated.
    assert_eq!(eval(&d, "quote", json!({})).unwrap(), json!(7.5));
    assert_eq!(
        eval(&d, "boxed", json!({})).unwrap(),
        // The function entry is a value of the context too; as JSON a
        // function is shown by its signature.
        json!({
            "double": "function(x)",
            "doubled": [2, 4, 6],
            "big": [{"name": "b", "size": 5}],
            "all positive": true,
            "verdict": "positive"
        })
    );
    let err = eval(&d, "external", json!({})).unwrap_err().to_string();
    assert!(err.contains("load errors"), "{err}");
}

// ---------------------------------------------------------------------------
// Tables written for SpiffWorkflow (`tests/fixtures/dmn/spiff/`), and how
// business rule tasks store results (`tests/fixtures/bpmn/business_rules/`).

fn spiff(name: &str) -> PathBuf {
    fixture(&format!("spiff/{name}"))
}

fn load_hinted(names: &[&str], hint: &PythonHint) -> Decisions {
    let paths: Vec<PathBuf> = names.iter().map(|n| spiff(n)).collect();
    let d = Decisions::load_with(&paths, hint);
    assert!(!d.has_errors(), "{:#?}", d.diagnostics());
    d
}

fn order(kind: &str, items: usize, flags: &[&str], coupon: Value) -> Value {
    json!({"order": {"kind": kind, "items": (0..items).collect::<Vec<_>>(), "flags": flags, "coupon": coupon}})
}

#[test]
fn python_cells_are_read_as_spiffworkflow_reads_them_when_hinted() {
    // Expected values: SpiffWorkflow 3.2.0 on the same table and data
    // (it gives 7.5 and 30.0 as Python floats; whole numbers are JSON
    // integers here).
    let d = load_hinted(&["python_cells.dmn"], &PythonHint::All);
    // Input expressions `order['kind']`, `len(order['items'])`,
    // `'rush' in order['flags']`; entries `'book'`, `> 2`, `True`.
    assert_eq!(
        eval(&d, "python_cells", order("book", 3, &["rush"], Value::Null)).unwrap(),
        json!({"label": "BOOK rush", "score": 7.5})
    );
    // `? in ['cd', 'dvd']`, `1 < ? <= 3`, an empty entry, `None`; the
    // output `order['kind'] == 'dvd'` is a boolean.
    assert_eq!(
        eval(&d, "python_cells", order("dvd", 3, &[], Value::Null)).unwrap(),
        json!({"label": "media dvd", "score": true})
    );
    // `'bo' in ?` (a substring), `False`, `!= None`.
    assert_eq!(
        eval(&d, "python_cells", order("ebook", 0, &[], json!("SAVE"))).unwrap(),
        json!({"label": "coupon SAVE", "score": -1})
    );
    assert_eq!(
        eval(&d, "python_cells", order("toy", 0, &["rush"], json!("X"))).unwrap(),
        json!({"label": "other", "score": null})
    );
    // A variable the table needs is missing: Python's error, named.
    let err = eval(&d, "python_cells", json!({})).unwrap_err();
    assert!(err.to_string().contains("input 1 `Kind`"), "{err}");

    // The same hint, given as the decisions a Python diagram calls.
    let called = PythonHint::Decisions(["python_cells".to_string()].into());
    let d = load_hinted(&["python_cells.dmn"], &called);
    assert_eq!(
        eval(&d, "python_cells", order("book", 3, &["rush"], Value::Null)).unwrap(),
        json!({"label": "BOOK rush", "score": 7.5})
    );
}

#[test]
fn without_a_hint_a_plain_table_is_feel_and_python_cells_say_how_to_read_them() {
    let d = Decisions::load(&[spiff("python_cells.dmn")]);
    let errors: Vec<String> = d
        .diagnostics()
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert_eq!(errors.len(), 14, "{errors:#?}");
    let first = &errors[0];
    assert!(
        first.contains("python_cells.dmn:10:66")
            && first.contains("pc_in1")
            && first.contains("FEEL syntax error")
            && first.contains("it reads as Python")
            && first.contains("--dialect python"),
        "{first}"
    );
    // Only the file the hint names is read as SpiffWorkflow reads it.
    let other = PythonHint::Decisions(["collect_one".to_string()].into());
    let d = Decisions::load_with(
        &[spiff("python_cells.dmn"), spiff("collect_one.dmn")],
        &other,
    );
    assert!(!d.problems_for("python_cells").is_empty());
    assert!(d.problems_for("collect_one").is_empty());
}

#[test]
fn python_named_by_the_file_or_its_type_language_needs_no_hint() {
    // expressionLanguage="python" on definitions.
    let d = load_hinted(&["python_explicit.dmn"], &PythonHint::None);
    let applicant =
        |age: u32, country: &str| json!({"applicant": {"age": age, "country": country}});
    assert_eq!(
        eval(&d, "python_explicit", applicant(12, "FR")).unwrap(),
        json!({"category": "minor", "decade": 1})
    );
    // `18 <= ? < 65` and `? in ('CA', 'MX', 'US')`.
    assert_eq!(
        eval(&d, "python_explicit", applicant(40, "MX")).unwrap(),
        json!({"category": "adult mx", "decade": 4})
    );
    assert_eq!(
        eval(&d, "python_explicit", applicant(40, "FR")).unwrap(),
        Value::Null
    );
    // An empty output entry is "" in SpiffWorkflow.
    assert_eq!(
        eval(&d, "python_explicit", applicant(70, "FR")).unwrap(),
        json!({"category": "senior", "decade": ""})
    );
    // typeLanguage="python": `item['x']`, `'small'`, `item['x'] * 2`.
    let d = load_hinted(&["dotted_outputs.dmn"], &PythonHint::None);
    assert_eq!(
        eval(&d, "dotted_outputs", json!({"item": {"x": 3}})).unwrap(),
        json!({"item.y": "small", "item.z": 6})
    );
}

#[test]
fn a_cell_of_a_python_file_that_is_not_python_is_a_load_error() {
    let d = load(&["invalid/python_feel_cell.dmn"]);
    let errors: Vec<String> = d.diagnostics().iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].contains("python_feel_cell.dmn:12:41")
            && errors[0].contains("pfc_r1")
            && errors[0].contains("rule 1 input entry 1 `n`")
            && errors[0].contains("`[1..10]`"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("python_feel_cell.dmn:17:42")
            && errors[1].contains("rule 2 output `size`")
            && errors[1].contains("lambda"),
        "{}",
        errors[1]
    );
    assert!(matches!(
        d.evaluate("python_feel_cell", &data(json!({"n": 1}))),
        Err(DmnError::Invalid { .. })
    ));
}

#[test]
fn feel_only_cells_stay_feel_in_a_table_read_as_python() {
    // `[1..10]`, `"a","b"`, `not(0)`, `not("x")`, `true`, `false`, `null`:
    // none is Python (or not what it means in Python), so a hinted table
    // gives what FEEL gives.
    let cases = [
        (
            json!({"n": 5, "s": "a", "flag": true}),
            json!({"rule": "range, list, true", "ok": true}),
        ),
        (
            json!({"n": 12, "s": "y", "flag": true}),
            json!({"rule": "negations", "ok": false}),
        ),
        (
            json!({"n": 0, "s": "x", "flag": false}),
            json!({"rule": "none", "ok": null}),
        ),
    ];
    for hint in [PythonHint::None, PythonHint::All] {
        let d = load_hinted(&["feel_cells.dmn"], &hint);
        for (input, want) in &cases {
            assert_eq!(
                &eval(&d, "feel_cells", input.clone()).unwrap(),
                want,
                "{hint:?} {input}"
            );
        }
    }
}

#[test]
fn an_empty_input_expression_tests_the_variable_its_label_names() {
    // label="quantity" with an empty <text>, label="customer" without one.
    for hint in [PythonHint::None, PythonHint::All] {
        let d = load_hinted(&["label_input.dmn"], &hint);
        assert_eq!(
            eval(
                &d,
                "label_input",
                json!({"quantity": 15, "customer": "gold"})
            )
            .unwrap(),
            json!(0.2)
        );
        assert_eq!(
            eval(
                &d,
                "label_input",
                json!({"quantity": 15, "customer": "silver"})
            )
            .unwrap(),
            json!(0.1)
        );
        // As in SpiffWorkflow, `customer` is read only by a rule that tests
        // it: rule 1 stops at `>= 10`, rule 3 tests nothing.
        assert_eq!(
            eval(&d, "label_input", json!({"quantity": 5})).unwrap(),
            json!(0)
        );
        // Rule 1 tests `customer`, which is missing.
        let err = eval(&d, "label_input", json!({"quantity": 15})).unwrap_err();
        assert!(
            err.to_string().contains("input 2 `customer`") && err.to_string().contains("customer"),
            "{hint:?}: {err}"
        );
    }
    // Neither an expression nor a label: a load error naming the input.
    let xml = r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="n"><decision id="x"><decisionTable><input id="bare"><inputExpression><text> </text></inputExpression></input><output name="o"/><rule><inputEntry><text>-</text></inputEntry><outputEntry><text>1</text></outputEntry></rule></decisionTable></decision></definitions>"#;
    let d = Decisions::from_sources(vec![("bare.dmn".into(), xml.as_bytes().to_vec())]);
    let text = d.diagnostics()[0].to_string();
    assert!(
        text.contains("bare.dmn:1:")
            && text.contains("bare")
            && text.contains("neither an input expression nor a label"),
        "{text}"
    );
}

#[test]
fn collect_results_become_one_list_per_output_for_business_rule_tasks() {
    let d = load_hinted(
        &[
            "collect_one.dmn",
            "collect_many.dmn",
            "collect_sum.dmn",
            "dotted_outputs.dmn",
        ],
        &PythonHint::None,
    );
    let stored = |id: &str, v: Value| {
        let r = d.evaluate(id, &data(v)).unwrap();
        (r.value(), Value::Object(r.as_task_data()))
    };
    // One output: DMN's list of values, stored under the output's name.
    assert_eq!(
        stored("collect_one", json!({"n": 12})),
        (
            json!(["positive", "large"]),
            json!({"tag": ["positive", "large"]})
        )
    );
    // Several outputs: DMN's list of rows; one list per output name.
    assert_eq!(
        stored("collect_many", json!({"n": 12})),
        (
            json!([{"sign": "positive", "weight": 1}, {"sign": "large", "weight": 10}]),
            json!({"sign": ["positive", "large"], "weight": [1, 10]})
        )
    );
    assert_eq!(
        stored("collect_many", json!({"n": -3})),
        (
            json!([{"sign": "negative", "weight": -1}]),
            json!({"sign": ["negative"], "weight": [-1]})
        )
    );
    // No rule matches: nothing is stored (SpiffWorkflow stores nothing).
    assert_eq!(
        stored("collect_many", json!({"n": 0})),
        (Value::Null, json!({}))
    );
    // SUM: DMN adds the values. SpiffWorkflow ignores the aggregation and
    // stores [1, 10]; the DMN rule wins.
    assert_eq!(
        stored("collect_sum", json!({"n": 12})),
        (json!(11), json!({"points": 11}))
    );
    assert_eq!(
        stored("collect_sum", json!({"n": 0})),
        (Value::Null, json!({}))
    );
    // Dotted output names make nested maps.
    assert_eq!(
        stored("dotted_outputs", json!({"item": {"x": 7}})).1,
        json!({"item": {"y": "large", "z": 21}})
    );
}

fn business_rules(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bpmn/business_rules")
        .join(name)
}

fn all_spiff_tables() -> Vec<PathBuf> {
    [
        "python_cells.dmn",
        "label_input.dmn",
        "collect_one.dmn",
        "collect_many.dmn",
        "collect_sum.dmn",
    ]
    .iter()
    .map(|n| spiff(n))
    .collect()
}

#[test]
fn a_python_diagram_runs_its_tables_as_spiffworkflow_does() {
    // exporter="SpiffArena": the diagram's scripts are Python, so the tables
    // its business rule tasks call are read as SpiffWorkflow reads them;
    // no flag is given.
    let specs = Specs::load_all(
        &[business_rules("spiff_rules.bpmn")],
        &all_spiff_tables(),
        &LoadOptions::default(),
    );
    assert!(specs.diagnostics().is_empty(), "{:#?}", specs.diagnostics());
    let run = |input: Value| {
        let mut wf = specs.start("spiff_rules", data(input)).unwrap();
        wf.run().unwrap();
        assert!(wf.is_completed());
        let order: Vec<String> = wf
            .completed_tasks()
            .map(|t| t.bpmn_id.to_string())
            .filter(|id| id.starts_with("Activity_"))
            .collect();
        assert_eq!(
            order,
            [
                "Activity_prepare",
                "Activity_cells",
                "Activity_label",
                "Activity_one",
                "Activity_many",
                "Activity_sum",
                "Activity_summary"
            ]
        );
        wf.data().to_json()
    };
    // SpiffWorkflow 3.2.0's final data for the same inputs, except `points`
    // (SpiffWorkflow ignores the SUM aggregation and stores [1, 10]) and
    // `score` (SpiffWorkflow's Python float 30.0).
    let d =
        run(json!({"kind": "book", "count": 12, "rush": true, "coupon": null, "customer": "gold"}));
    assert_eq!(d["label"], json!("BOOK rush"));
    assert_eq!(d["score"], json!(30));
    assert_eq!(d["discount"], json!(0.2));
    assert_eq!(d["tag"], json!(["positive", "large"]));
    assert_eq!(d["sign"], json!(["positive", "large"]));
    assert_eq!(d["weight"], json!([1, 10]));
    assert_eq!(d["points"], json!(11));
    assert_eq!(d["tag_count"], json!(2));
    assert_eq!(d["heaviest"], json!(10));

    let d = run(
        json!({"kind": "dvd", "count": 3, "rush": false, "coupon": null, "customer": "silver"}),
    );
    assert_eq!(d["label"], json!("media dvd"));
    assert_eq!(d["score"], json!(true));
    assert_eq!(d["discount"], json!(0.1));
    assert_eq!(d["sign"], json!(["positive"]));
    assert_eq!(d["weight"], json!([1]));
    assert_eq!(d["points"], json!(1));

    // No SUM rule matches: `points` is not set, as in SpiffWorkflow.
    let d =
        run(json!({"kind": "toy", "count": -2, "rush": true, "coupon": "X", "customer": "gold"}));
    assert_eq!(d["label"], json!("other"));
    assert_eq!(d["score"], Value::Null);
    assert_eq!(d["discount"], json!(0));
    assert_eq!(d["tag"], json!(["negative"]));
    assert_eq!(d["weight"], json!([-1]));
    assert_eq!(d.get("points"), None);
}

#[test]
fn a_rhai_diagram_reads_its_tables_as_feel_and_stores_collect_as_lists() {
    let specs = Specs::load_all(
        &[business_rules("rhai_rules.bpmn")],
        &[spiff("collect_many.dmn"), spiff("python_cells.dmn")],
        &LoadOptions::default(),
    );
    // The Python table is FEEL for a Rhai diagram: its business rule task
    // cannot run, and says why.
    let problems = specs.problems_for("rhai_python_cells");
    assert!(
        problems.iter().any(|p| {
            let text = p.to_string();
            text.contains("rhai_rules.bpmn:36:5")
                && text.contains("cells_rules")
                && text.contains("decision `python_cells` cannot be evaluated")
                && text.contains("it reads as Python")
        }),
        "{problems:#?}"
    );
    assert!(specs.problems_for("rhai_collect").is_empty());
    let mut wf = specs
        .start("rhai_collect", data(json!({"count": 6})))
        .unwrap();
    wf.run().unwrap();
    assert!(wf.is_completed());
    let d = wf.data().to_json();
    // By output name: one list each. With a result variable: DMN's list of
    // rows, as `bpmn decide` prints it.
    assert_eq!(d["sign"], json!(["positive", "large"]));
    assert_eq!(d["weight"], json!([1, 10]));
    assert_eq!(
        d["rows"],
        json!([{"sign": "positive", "weight": 1}, {"sign": "large", "weight": 10}])
    );

    // The same tables under `--dialect python` are read as SpiffWorkflow
    // reads them, whatever the diagram says.
    let python = LoadOptions {
        dialect: Some(bpmn_engine::model::Dialect::Python),
    };
    let specs = Specs::load_all(
        &[business_rules("spiff_rules.bpmn")],
        &all_spiff_tables(),
        &python,
    );
    assert!(specs.diagnostics().is_empty(), "{:#?}", specs.diagnostics());
}

#[test]
fn dotted_output_names_merge_into_the_map_a_task_has() {
    // SpiffWorkflow's `item.y`: the business rule task keeps `item['x']`.
    let specs = Specs::load_all(
        &[business_rules("dotted_rules.bpmn")],
        &[spiff("dotted_outputs.dmn")],
        &LoadOptions::default(),
    );
    assert!(specs.diagnostics().is_empty(), "{:#?}", specs.diagnostics());
    let mut wf = specs
        .start("dotted_rules", data(json!({"item": {"x": 4, "w": "kept"}})))
        .unwrap();
    wf.run().unwrap();
    assert_eq!(
        wf.data().to_json()["item"],
        json!({"x": 4, "w": "kept", "y": "small", "z": 8})
    );
}
