//! `bpmn advance`, `bpmn send` and `bpmn events`: timers and events of a
//! saved instance.

use bpmn_engine::storage::DeliveryKind;
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
    let (kind, name) = match (&args.message, &args.signal) {
        (Some(m), _) => (DeliveryKind::Message, m),
        (None, Some(s)) => (DeliveryKind::Signal, s),
        (None, None) => return Err(CliError::usage("give --message NAME or --signal NAME")),
    };
    let mut opened = open(file, true, args.wait, &args.limits.engine_limits())?;
    // A stored instance that a worker holds, or whose queue has earlier
    // items, gets it through its queue (in order, from the worker);
    // otherwise it is delivered now, as to a state file.
    let queue_reason = match opened.stored_info() {
        _ if args.queue => Some("--queue".to_string()),
        Some(i) if i.holder.is_some() => Some(format!(
            "worker {} holds the instance",
            i.holder.as_ref().map_or("", |c| c.worker.as_str())
        )),
        Some(i) if i.queued > 0 => Some(format!("{} earlier ones wait in its queue", i.queued)),
        _ => None,
    };
    if let Some(reason) = queue_reason {
        let qid = opened.enqueue(kind, name, &payload)?;
        let id = opened.stored_info().map_or(0, |i| i.id);
        if args.json {
            outln!("{}", json!({"instance": id, "queued": qid}));
        } else {
            outln!(
                "Queued {} `{name}` for instance {id} ({reason}); a worker (`bpmn worker`) delivers it.",
                kind.as_str()
            );
        }
        return Ok(COMPLETED);
    }
    let dir = opened.file().map(|p| p.to_path_buf());
    super::services::install_data_store(&Default::default(), dir.as_deref(), &mut opened.wf);
    let delivered = kind.send(&mut opened.wf, name, payload);
    // Nothing waits for it: the state file is left as it was.
    let stored = opened.stored_info().is_some();
    delivered.map_err(|e| CliError {
        code: WORKFLOW,
        message: if stored {
            format!(
                "{}: {e} (with --queue it waits in the instance's queue until a worker can deliver it)",
                file.display()
            )
        } else {
            format!("{}: {e}", file.display())
        },
    })?;
    let wf = &mut opened.wf;
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
