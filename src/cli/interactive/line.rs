//! Plain line-based prompts, for when stdin is not a terminal
//! (`printf '…' | bpmn run …`): one answer per line, menus numbered, and an
//! item can also be chosen by typing the start of its text. At end of input
//! every prompt returns [`PromptError::Eof`] at once, so a session fed by a
//! pipe can never block or spin.

use std::io::{BufRead, Write};

use super::interrupt;
use super::prompter::{PromptError, PromptResult, Prompter};

/// Reads answers from `input` and writes prompts to `output`.
pub struct LinePrompter<R: BufRead, W: Write> {
    input: R,
    output: W,
    /// Repeat each answer after its prompt (the input is not echoed by a
    /// terminal), so a transcript reads like a conversation.
    echo: bool,
}

impl<R: BufRead, W: Write> LinePrompter<R, W> {
    pub fn new(input: R, output: W, echo: bool) -> Self {
        LinePrompter {
            input,
            output,
            echo,
        }
    }

    fn ask(&mut self, prompt: &str) -> PromptResult<String> {
        write!(self.output, "{prompt}")?;
        self.output.flush()?;
        let mut line = String::new();
        let n = self.input.read_line(&mut line)?;
        if interrupt::take() {
            return Err(PromptError::Interrupted);
        }
        if n == 0 {
            writeln!(self.output)?;
            return Err(PromptError::Eof);
        }
        let answer = line.trim_end_matches(['\n', '\r']).trim().to_string();
        if self.echo {
            writeln!(self.output, "{answer}")?;
        }
        Ok(answer)
    }

    fn list(&mut self, prompt: &str, items: &[String], marks: Option<&[bool]>) -> PromptResult<()> {
        writeln!(self.output, "{prompt}")?;
        for (i, item) in items.iter().enumerate() {
            match marks {
                Some(m) => writeln!(
                    self.output,
                    "  {:>2}) [{}] {item}",
                    i + 1,
                    if m[i] { 'x' } else { ' ' }
                )?,
                None => writeln!(self.output, "  {:>2}) {item}", i + 1)?,
            }
        }
        Ok(())
    }
}

/// Finds the item `answer` names: a number from 1, the item's text, or the
/// unique item that starts with (then contains) it, ignoring case.
pub fn pick(answer: &str, items: &[String]) -> Result<usize, String> {
    if let Ok(n) = answer.parse::<usize>() {
        return if (1..=items.len()).contains(&n) {
            Ok(n - 1)
        } else {
            Err(format!("choose a number from 1 to {}", items.len()))
        };
    }
    let a = answer.to_lowercase();
    let lower: Vec<String> = items.iter().map(|i| i.to_lowercase()).collect();
    if let Some(i) = lower.iter().position(|i| *i == a) {
        return Ok(i);
    }
    for test in [
        &(|i: &String, a: &str| i.starts_with(a)) as &dyn Fn(&String, &str) -> bool,
        &|i: &String, a: &str| i.contains(a),
    ] {
        let found: Vec<usize> = (0..items.len()).filter(|&k| test(&lower[k], &a)).collect();
        match found.as_slice() {
            [one] => return Ok(*one),
            [] => {}
            _ => {
                return Err(format!(
                    "`{answer}` matches several items; type a number from 1 to {}",
                    items.len()
                ));
            }
        }
    }
    Err(format!(
        "`{answer}` is not one of the items; type a number from 1 to {}",
        items.len()
    ))
}

/// Reads yes/no.
pub fn yes_no(answer: &str) -> Option<bool> {
    match answer.to_lowercase().as_str() {
        "y" | "yes" | "true" | "1" => Some(true),
        "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

impl<R: BufRead, W: Write> Prompter for LinePrompter<R, W> {
    fn text(&mut self, prompt: &str, default: Option<&str>) -> PromptResult<String> {
        let p = match default {
            Some(d) => format!("{prompt} [{d}]: "),
            None => format!("{prompt}: "),
        };
        let a = self.ask(&p)?;
        Ok(match (a.is_empty(), default) {
            (true, Some(d)) => d.to_string(),
            _ => a,
        })
    }

    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> PromptResult<usize> {
        self.list(prompt, items, None)?;
        loop {
            let a = self.ask(&format!("Choose 1-{} [{}]: ", items.len(), default + 1))?;
            if a.is_empty() {
                return Ok(default);
            }
            match pick(&a, items) {
                Ok(i) => return Ok(i),
                Err(m) => self.warn(&m),
            }
        }
    }

    fn multi_select(
        &mut self,
        prompt: &str,
        items: &[String],
        checked: &[bool],
    ) -> PromptResult<Vec<usize>> {
        self.list(prompt, items, Some(checked))?;
        'ask: loop {
            let a = self.ask(
                "Choose numbers separated by commas (empty keeps the marked ones, - for none): ",
            )?;
            if a.is_empty() {
                return Ok((0..items.len()).filter(|&i| checked[i]).collect());
            }
            if a == "-" {
                return Ok(Vec::new());
            }
            let mut chosen = Vec::new();
            for part in a.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                match pick(part, items) {
                    Ok(i) if !chosen.contains(&i) => chosen.push(i),
                    Ok(_) => {}
                    Err(m) => {
                        self.warn(&m);
                        continue 'ask;
                    }
                }
            }
            chosen.sort_unstable();
            return Ok(chosen);
        }
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> PromptResult<bool> {
        let p = format!("{prompt} [{}]: ", if default { "Y/n" } else { "y/N" });
        loop {
            let a = self.ask(&p)?;
            if a.is_empty() {
                return Ok(default);
            }
            match yes_no(&a) {
                Some(b) => return Ok(b),
                None => self.warn("answer y or n"),
            }
        }
    }

    fn pause(&mut self, prompt: &str) -> PromptResult<()> {
        self.ask(&format!("{prompt} ")).map(|_| ())
    }

    fn warn(&mut self, message: &str) {
        let _ = writeln!(self.output, "  ! {message}");
    }

    fn note(&mut self, message: &str) {
        let _ = writeln!(self.output, "{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompter(input: &str) -> LinePrompter<&[u8], Vec<u8>> {
        LinePrompter::new(input.as_bytes(), Vec::new(), true)
    }

    #[test]
    fn picks_by_number_text_or_prefix() {
        let items: Vec<String> = ["Run a task", "List past tasks", "List all tasks", "Quit"]
            .map(String::from)
            .to_vec();
        assert_eq!(pick("2", &items), Ok(1));
        assert_eq!(pick("quit", &items), Ok(3));
        assert_eq!(pick("run", &items), Ok(0));
        assert!(pick("list", &items).unwrap_err().contains("several"));
        assert_eq!(pick("past", &items), Ok(1));
        assert!(pick("9", &items).unwrap_err().contains("1 to 4"));
    }

    #[test]
    fn reprompts_then_answers_and_reports_end_of_input() {
        let mut p = prompter("x\n3\nmaybe\n\n");
        let items: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(p.select("Pick", &items, 0).unwrap(), 2);
        assert!(p.confirm("Sure?", true).unwrap());
        assert!(matches!(p.text("More", None), Err(PromptError::Eof)));
        let out = String::from_utf8(p.output).unwrap();
        assert!(out.contains("  ! `x` is not one of the items"), "{out}");
        assert!(out.contains("  ! answer y or n"), "{out}");
    }

    #[test]
    fn text_takes_the_default_on_an_empty_line() {
        let mut p = prompter("\nAda\n");
        assert_eq!(p.text("Name", Some("Bob")).unwrap(), "Bob");
        assert_eq!(p.text("Name", Some("Bob")).unwrap(), "Ada");
    }

    #[test]
    fn multi_select_reads_a_comma_list() {
        let items: Vec<String> = ["red", "green", "blue"].map(String::from).to_vec();
        let mut p = prompter("3, red\n\n-\n");
        assert_eq!(
            p.multi_select("Colors", &items, &[false, true, false])
                .unwrap(),
            vec![0, 2]
        );
        assert_eq!(
            p.multi_select("Colors", &items, &[false, true, false])
                .unwrap(),
            vec![1]
        );
        assert!(
            p.multi_select("Colors", &items, &[true, true, true])
                .unwrap()
                .is_empty()
        );
    }
}
