//! `instructionsForEndUser` and `documentation` are Jinja templates over the
//! task data (minijinja), shown before a task's prompt.
//!
//! A variable that is not in the data is an error when printed (a typo in a
//! diagram should show) but false in `{% if %}`, which diagrams use to test
//! optional data. When rendering fails, the text is rendered leniently
//! (missing values empty) and the reason comes with it, so the person still
//! sees the instructions.

use bpmn_engine::Data;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior};

/// A rendered template: the text and, if strict rendering failed, why.
#[derive(Debug, PartialEq)]
pub struct Rendered {
    pub text: String,
    pub problem: Option<String>,
}

fn env(behavior: UndefinedBehavior) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(behavior);
    env
}

/// Renders `template` with `data` as its variables.
pub fn render(template: &str, data: &Data) -> Rendered {
    match env(UndefinedBehavior::SemiStrict).render_str(template, Serde(data)) {
        Ok(text) => Rendered {
            text,
            problem: None,
        },
        Err(e) => {
            let problem = Some(describe(&e));
            let text = env(UndefinedBehavior::Lenient)
                .render_str(template, Serde(data))
                .unwrap_or_else(|_| template.to_string());
            Rendered { text, problem }
        }
    }
}

fn describe(e: &minijinja::Error) -> String {
    let mut s = e.kind().to_string();
    if let Some(d) = e.detail() {
        s.push_str(": ");
        s.push_str(d);
    }
    if let Some(line) = e.line() {
        s.push_str(&format!(" (template line {line})"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn data(v: serde_json::Value) -> Data {
        v.as_object().unwrap().clone().into()
    }

    #[test]
    fn renders_variables_nested_values_and_conditions() {
        let d = data(json!({"qty": 2, "product": "mug", "address": {"city": "Köln"}}));
        let r = render(
            "{{ qty }} x {{ product }}{% if color %} in {{ color }}{% endif %} to {{ address.city }}",
            &d,
        );
        assert_eq!(r.text, "2 x mug to Köln");
        assert_eq!(r.problem, None);
    }

    #[test]
    fn a_missing_variable_is_reported_and_left_empty() {
        let r = render("Hello {{ name }}!", &Data::new());
        assert_eq!(r.text, "Hello !");
        assert!(r.problem.unwrap().contains("undefined"));
    }

    #[test]
    fn a_syntax_error_shows_the_raw_text() {
        let r = render("Hello {{ name", &Data::new());
        assert_eq!(r.text, "Hello {{ name");
        assert!(r.problem.unwrap().contains("syntax"));
    }
}
