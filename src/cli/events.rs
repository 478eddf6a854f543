//! `bpmn advance`, `bpmn send` and `bpmn events`: timers and events of a
//! saved instance.

use serde_json::{Value, json};

use super::CliError;
use super::args::{AdvanceArgs, EventsArgs, SendArgs};
use super::exit::{COMPLETED, WORKFLOW};
use super::inspect::load_state;
use super::run::{Stop, finish};
use super::target::open;

pub fn advance(args: AdvanceArgs) -> Result<u8, CliError> {
    let mut opened = open(&args.file, true, args.wait, &args.limits.engine_limits())?;
    let dir = opened.file().map(|p| p.to_path_buf());
    super::services::install_data_store(&Default::default(), dir.as_deref(), &mut opened.wf);
    opened
        .wf
        .advance(&args.by)
        .map_err(|e| CliError::usage(format!("--by: {e}")))?;
    let outcome = opened.wf.run().map_err(|e| Stop::Workflow(e.to_string()));
    let code = finish(&opened.wf, outcome, args.json)?;
    opened.save(None)?;
    Ok(code)
}

pub fn send(args: SendArgs) -> Result<u8, CliError> {
    let payload = match &args.payload {
        None => Value::Null,
        Some(t) => serde_json::from_str(t)
            .map_err(|e| CliError::usage(format!("--payload is not valid JSON: {e}")))?,
    };
    let Some(file) = &args.file else {
        return super::library_starts::send_to_library(&args, payload);
    };
    let mut opened = open(file, true, args.wait, &args.limits.engine_limits())?;
    let dir = opened.file().map(|p| p.to_path_buf());
    super::services::install_data_store(&Default::default(), dir.as_deref(), &mut opened.wf);
    let wf = &mut opened.wf;
    let delivered = match (&args.message, &args.signal) {
        (Some(m), _) => wf.send_message(m, payload),
        (None, Some(s)) => wf.send_signal(s, payload),
        (None, None) => return Err(CliError::usage("give --message NAME or --signal NAME")),
    };
    // Nothing waits for it: the state file is left as it was.
    delivered.map_err(|e| CliError {
        code: WORKFLOW,
        message: format!("{}: {e}", file.display()),
    })?;
    let outcome = wf.run().map_err(|e| Stop::Workflow(e.to_string()));
    let code = finish(wf, outcome, args.json)?;
    opened.save(None)?;
    Ok(code)
}

pub fn events(args: EventsArgs) -> Result<u8, CliError> {
    let (wf, _) = load_state(&args.file)?;
    let waiting: Vec<Value> = wf
        .waiting_events()
        .iter()
        .map(|w| {
            json!({
                "task": w.task.map(|t| t.to_string()),
                "bpmn_id": w.bpmn_id,
                "kind": w.kind,
                "name": w.name,
                "due": w.due.map(|d| d.to_string()),
            })
        })
        .collect();
    let v = json!({
        "thrown": wf.outbox(),
        "waiting": waiting,
        "now": wf.now().to_string(),
    });
    outln!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    Ok(COMPLETED)
}
