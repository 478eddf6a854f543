//! `--as NAME --roles FILE`: lanes as roles. The roles file maps each lane
//! (by name, as the diagram writes it) to its members:
//! `{"Customer": ["ann", "bob"], "Staff": ["carl"]}`. A person acting as
//! NAME is offered the ready tasks of the lanes NAME belongs to and those
//! in no lane; the others are listed as waiting for someone else, and an
//! answer for one is refused (the run stops as when it waits).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CliError;
use super::args::InteractiveArgs;

/// Who is acting, and the lanes they belong to.
#[derive(Debug, Clone)]
pub struct Roles {
    /// The name given with `--as`.
    pub user: String,
    /// The roles file (for messages).
    pub file: PathBuf,
    /// Lane → members, as read.
    lanes: BTreeMap<String, Vec<String>>,
}

impl Roles {
    /// The roles of `--as` and `--roles` (clap makes each require the other).
    pub fn from_args(i: &InteractiveArgs) -> Result<Option<Roles>, CliError> {
        match (&i.as_user, &i.roles) {
            (Some(user), Some(file)) => Ok(Some(Roles::read(user, file)?)),
            (None, None) => Ok(None),
            _ => Err(CliError::usage("--as and --roles go together")),
        }
    }

    /// Reads and checks a roles file.
    pub fn read(user: &str, file: &Path) -> Result<Roles, CliError> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            CliError::usage(format!(
                "{}: cannot read the roles file: {}",
                file.display(),
                bpmn_engine::diagnostic::io_reason(&e)
            ))
        })?;
        Roles::parse(user, file, &text)
    }

    /// Parses the text of a roles file named `file`.
    pub fn parse(user: &str, file: &Path, text: &str) -> Result<Roles, CliError> {
        let lanes: BTreeMap<String, Vec<String>> = serde_json::from_str(text).map_err(|e| {
            // serde_json ends its message with " at line L column C".
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            CliError::usage(format!(
                "{}:{}:{}: not a roles file ({msg}); expected a JSON object of lane names to lists of members, e.g. {{\"Staff\": [\"carl\"]}}",
                file.display(),
                e.line(),
                e.column()
            ))
        })?;
        Ok(Roles {
            user: user.to_string(),
            file: file.to_path_buf(),
            lanes,
        })
    }

    /// Whether the user may do a task in `lane` (tasks in no lane are open
    /// to everyone).
    pub fn may_do(&self, lane: Option<&str>) -> bool {
        match lane {
            None => true,
            Some(l) => self
                .lanes
                .get(l)
                .is_some_and(|members| members.contains(&self.user)),
        }
    }

    /// "Waiting for LANE: NAME (ID)", for a task the user may not do.
    pub fn waiting_line(lane: &str, name: Option<&str>, bpmn_id: &str) -> String {
        match name {
            Some(n) => format!("Waiting for {lane}: {n} ({bpmn_id})"),
            None => format!("Waiting for {lane}: {bpmn_id}"),
        }
    }

    /// Why an answer for task `bpmn_id` in `lane` is refused.
    pub fn refusal(&self, bpmn_id: &str, lane: &str) -> String {
        format!(
            "task `{bpmn_id}` is in lane {lane}, and {} is not one of its members in {}: it waits for someone in {lane}",
            self.user,
            self.file.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_of_a_lane_may_do_its_tasks_and_everyone_lane_less_ones() {
        let r = Roles::parse(
            "ann",
            Path::new("roles.json"),
            r#"{"Customer": ["ann", "bob"], "Staff": ["carl"]}"#,
        )
        .unwrap();
        assert!(r.may_do(Some("Customer")));
        assert!(!r.may_do(Some("Staff")));
        assert!(!r.may_do(Some("Unknown lane")));
        assert!(r.may_do(None));
    }

    #[test]
    fn a_malformed_file_is_named_with_line_and_column() {
        let e =
            Roles::parse("ann", Path::new("r.json"), "{\n  \"Staff\": \"carl\"\n}").unwrap_err();
        assert!(
            e.message.starts_with(
                "r.json:2:17: not a roles file (invalid type: string \"carl\", expected a sequence)"
            ),
            "{}",
            e.message
        );
        let e = Roles::parse("ann", Path::new("r.json"), "{\"Staff\": [\"carl\"],}").unwrap_err();
        assert!(
            e.message
                .starts_with("r.json:1:20: not a roles file (trailing comma)"),
            "{}",
            e.message
        );
    }
}
