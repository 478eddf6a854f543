//! `--max-…`: the limits a run works under, for every command that runs an
//! instance (run, resume, advance, send). Defaults are the engine's own
//! ([`EngineLimits::default`]); none of them is saved with the state.

use std::time::Duration;

use bpmn_engine::runtime::{EngineLimits, RuntimeLimits};
use bpmn_engine::scripting::Limits;
use clap::Args;

/// The engine's defaults, shown in `--help`.
fn run_default() -> RuntimeLimits {
    RuntimeLimits::default()
}

fn script_default() -> Limits {
    Limits::default()
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Limits (a run that reaches one stops with exit 3; resume to go on)")]
pub struct LimitArgs {
    /// Tasks one run may execute before it stops (an endless loop).
    #[arg(long, value_name = "N", default_value_t = run_default().max_steps)]
    pub max_steps: u64,
    /// Tasks alive at once (ready, waiting, started or in error).
    #[arg(long, value_name = "N", default_value_t = run_default().max_live_tasks)]
    pub max_live_tasks: usize,
    /// Instances of one multi-instance activity.
    #[arg(long, value_name = "N", default_value_t = run_default().max_instances)]
    pub max_instances: u64,
    /// Timer firings in one run (a cycle timer and a clock moved far ahead).
    #[arg(long, value_name = "N", default_value_t = run_default().max_timer_firings)]
    pub max_timer_firings: u64,
    /// How deep subprocesses and call activities may nest.
    #[arg(long, value_name = "N", default_value_t = run_default().max_nesting)]
    pub max_depth: u32,
    /// Wall-clock time of one script run: seconds, or with a unit (500ms,
    /// 10s, 2m).
    #[arg(long, value_name = "TIME", default_value_t = Seconds(script_default().max_time), value_parser = parse_time)]
    pub max_script_time: Seconds,
    /// Operations one script run may perform.
    #[arg(long, value_name = "N", default_value_t = script_default().max_operations)]
    pub max_script_operations: u64,
    /// Bytes one script run may print (K, M and G multiply by 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Size(script_default().max_output), value_parser = parse_size)]
    pub max_script_output: Size,
    /// Memory one script run may take (K, M and G multiply by 1024).
    #[arg(long, value_name = "BYTES", default_value_t = Size(script_default().max_memory), value_parser = parse_size)]
    pub max_script_memory: Size,
    /// Bytes in one string a script leaves in the data (K, M, G as above).
    #[arg(long, value_name = "BYTES", default_value_t = Size(script_default().max_string_size), value_parser = parse_size)]
    pub max_string: Size,
    /// Items in one list a script leaves in the data.
    #[arg(long, value_name = "N", default_value_t = script_default().max_array_size)]
    pub max_array: usize,
    /// Entries in one map a script leaves in the data.
    #[arg(long, value_name = "N", default_value_t = script_default().max_map_size)]
    pub max_map: usize,
}

impl LimitArgs {
    /// The limits to load specs and states with.
    pub fn engine_limits(&self) -> EngineLimits {
        EngineLimits {
            script: Limits {
                max_operations: self.max_script_operations,
                max_string_size: self.max_string.0,
                max_array_size: self.max_array,
                max_map_size: self.max_map,
                max_time: self.max_script_time.0,
                max_output: self.max_script_output.0,
                max_memory: self.max_script_memory.0,
                ..Limits::default()
            },
            run: RuntimeLimits {
                max_nesting: self.max_depth,
                max_steps: self.max_steps,
                max_live_tasks: self.max_live_tasks,
                max_instances: self.max_instances,
                max_timer_firings: self.max_timer_firings,
            },
        }
    }
}

impl Default for LimitArgs {
    fn default() -> Self {
        let run = run_default();
        let script = script_default();
        LimitArgs {
            max_steps: run.max_steps,
            max_live_tasks: run.max_live_tasks,
            max_instances: run.max_instances,
            max_timer_firings: run.max_timer_firings,
            max_depth: run.max_nesting,
            max_script_time: Seconds(script.max_time),
            max_script_operations: script.max_operations,
            max_script_output: Size(script.max_output),
            max_script_memory: Size(script.max_memory),
            max_string: Size(script.max_string_size),
            max_array: script.max_array_size,
            max_map: script.max_map_size,
        }
    }
}

/// A duration written the way `--max-script-time` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seconds(pub Duration);

impl std::fmt::Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.0.as_millis();
        if ms.is_multiple_of(1000) {
            write!(f, "{}s", ms / 1000)
        } else {
            write!(f, "{ms}ms")
        }
    }
}

/// A byte or character count written the way the size flags take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub usize);

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0;
        for (unit, size) in [("G", 1usize << 30), ("M", 1 << 20), ("K", 1 << 10)] {
            if n >= size && n.is_multiple_of(size) {
                return write!(f, "{}{unit}", n / size);
            }
        }
        write!(f, "{n}")
    }
}

fn parse_time(text: &str) -> Result<Seconds, String> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = t.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (t, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a time; write e.g. 10, 10s, 500ms or 2m"))?;
    let secs = value * scale;
    if !secs.is_finite() || secs <= 0.0 || secs > 1e9 {
        return Err(format!("`{text}` must be a positive time"));
    }
    Ok(Seconds(Duration::from_secs_f64(secs)))
}

fn parse_size(text: &str) -> Result<Size, String> {
    let t = text.trim();
    let (number, scale) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 1usize << 10),
        Some((i, 'm' | 'M')) => (&t[..i], 1 << 20),
        Some((i, 'g' | 'G')) => (&t[..i], 1 << 30),
        _ => (t, 1),
    };
    let n: usize = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 4096, 64K or 16M"))?;
    n.checked_mul(scale)
        .map(Size)
        .ok_or_else(|| format!("`{text}` is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_sizes_read_as_written_and_print_back() {
        assert_eq!(parse_time("10").unwrap().0, Duration::from_secs(10));
        assert_eq!(parse_time("500ms").unwrap().0, Duration::from_millis(500));
        assert_eq!(parse_time("2m").unwrap().0, Duration::from_secs(120));
        assert!(parse_time("0").is_err());
        assert!(parse_time("soon").is_err());
        assert_eq!(parse_size("64K").unwrap().0, 65536);
        assert_eq!(parse_size("3").unwrap().0, 3);
        assert!(parse_size("-1").is_err());
        assert_eq!(Seconds(Duration::from_millis(1500)).to_string(), "1500ms");
        assert_eq!(Size(16 << 20).to_string(), "16M");
        assert_eq!(parse_size(&Size(1 << 20).to_string()).unwrap().0, 1 << 20);
    }

    #[test]
    fn defaults_are_the_engines() {
        let l = LimitArgs::default().engine_limits();
        assert_eq!(l.run, RuntimeLimits::default());
        assert_eq!(l.script, Limits::default());
    }
}
