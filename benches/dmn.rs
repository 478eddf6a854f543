//! DMN evaluation speed: a 1,000-rule decision table evaluated 100,000
//! times (100 samples of 1,000 evaluations).
//!
//! Run with `cargo bench --bench dmn`.

use bpmn_engine::dmn::Decisions;
use serde_json::json;

fn main() {
    divan::main();
}

/// A UNIQUE table of `rules` rules on a number range and a string, so every
/// evaluation tests every rule.
fn table(rules: usize) -> Decisions {
    let mut xml = String::from(
        r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="bench" name="bench" namespace="bench">
  <decision id="big" name="Big">
    <decisionTable hitPolicy="UNIQUE">
      <input label="Amount"><inputExpression typeRef="number"><text>amount</text></inputExpression></input>
      <input label="Category"><inputExpression typeRef="string"><text>customer category</text></inputExpression></input>
      <output name="score" typeRef="number"/>
"#,
    );
    for i in 0..rules {
        let lo = (i / 10) * 100;
        xml.push_str(&format!(
            "      <rule><inputEntry><text>[{lo}..{hi})</text></inputEntry><inputEntry><text>\"c{c}\"</text></inputEntry><outputEntry><text>{i} * 2</text></outputEntry></rule>\n",
            hi = lo + 100,
            c = i % 10
        ));
    }
    xml.push_str("    </decisionTable>\n  </decision>\n</definitions>\n");
    let d = Decisions::from_sources(vec![("bench.dmn".into(), xml.into_bytes())]);
    assert!(d.diagnostics().is_empty(), "{:?}", d.diagnostics());
    d
}

fn input() -> bpmn_engine::Data {
    json!({"amount": 5_050, "customer category": "c7"})
        .as_object()
        .cloned()
        .unwrap_or_default()
        .into()
}

#[divan::bench(sample_count = 100, sample_size = 1000)]
fn unique_1000_rules(bencher: divan::Bencher) {
    let decisions = table(1000);
    let data = input();
    let expected = json!(1014);
    bencher.bench_local(|| {
        let r = decisions
            .evaluate(divan::black_box("big"), divan::black_box(&data))
            .map(|r| r.value());
        assert_eq!(r.as_ref().ok(), Some(&expected));
    });
}
