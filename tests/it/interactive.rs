//! End-to-end tests of the interactive runner: the real `bpmn` binary in a
//! pseudo-terminal (expectrl), driven by typing answers, moving through
//! menus with the arrow keys, saving, resuming and resetting; and the
//! line-based fallback through a piped stdin.
//!
//! Every wait has a timeout, so a broken prompt fails the test instead of
//! hanging CI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use assert_cmd::Command as Cmd;
use expectrl::process::unix::WaitStatus;
use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use serde_json::{Value, json};

const DOWN: &str = "\x1b[B";
const UP: &str = "\x1b[A";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_D: &str = "\x04";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory holding a copy of the tutorial (`bpmn/`, `dmn/`), so the
/// commands are the README's, with relative paths.
fn tutorial_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("bpmn"), &dir.path().join("bpmn"));
    copy_dir(&root().join("dmn"), &dir.path().join("dmn"));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The binary in a pseudo-terminal (160 x 50 characters unless a test
/// asks for another size).
struct Term {
    s: OsSession,
    /// Everything read so far, for failure messages.
    seen: String,
}

impl Term {
    fn start(dir: &Path, args: &[&str], colour: bool) -> Term {
        Term::start_with(dir, args, colour, (160, 50), "", &[])
    }

    /// Starts the binary in a terminal of `cols` x `rows`, its standard
    /// streams redirected as `redirect` says (shell syntax, e.g.
    /// `>out.txt`; empty for none), with environment variables set
    /// (`Some`) or removed.
    fn start_with(
        dir: &Path,
        args: &[&str],
        colour: bool,
        (cols, rows): (u16, u16),
        redirect: &str,
        env: &[(&str, Option<&str>)],
    ) -> Term {
        let mut cmd = Command::new("sh");
        // The program must not draw its first table before the test has
        // sized the terminal (expectrl sets 80 x 24 after starting the
        // child), so the shell waits for a line the test sends once it has.
        // (expectrl turns echo off: the line does not show.) It runs `bpmn`
        // from the PATH, as a person who installed it does: hints that
        // print a command print the program as it was invoked.
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_bpmn")).parent().unwrap();
        let path = std::env::var("PATH").unwrap_or_default();
        cmd.arg("-c")
            .arg(format!(r#"read -r _ && exec bpmn "$@" {redirect}"#))
            .arg("sh")
            .args(args)
            .env("PATH", format!("{}:{path}", bin_dir.display()))
            .current_dir(dir)
            .env("TERM", "xterm-256color")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE");
        if colour {
            cmd.env_remove("NO_COLOR");
        } else {
            cmd.env("NO_COLOR", "1");
        }
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let mut s = Session::spawn(cmd).expect("spawn bpmn in a pseudo-terminal");
        s.get_process_mut().set_window_size(cols, rows).unwrap();
        s.send("\n").expect("tell the shell the terminal is sized");
        s.set_expect_timeout(Some(Duration::from_secs(20)));
        Term {
            s,
            seen: String::new(),
        }
    }

    /// Waits until `text` appears.
    fn want(&mut self, text: &str) -> &mut Self {
        match self.s.expect(text) {
            Ok(c) => {
                self.seen.push_str(&String::from_utf8_lossy(c.before()));
                self.seen.push_str(text);
            }
            Err(e) => {
                let mut rest = vec![0u8; 65536];
                let n = self.s.try_read(&mut rest).unwrap_or(0);
                panic!(
                    "waiting for {text:?}: {e}\n--- screen so far ---\n{}{}",
                    tail(&self.seen),
                    String::from_utf8_lossy(&rest[..n])
                );
            }
        }
        self
    }

    /// Waits until the program reads single keys: the terminal is in raw
    /// mode (no signals from Ctrl-C, no line editing). The screen cannot
    /// show this; the terminal's settings can (the pty master shares them).
    fn wait_for_raw_mode(&mut self) -> &mut Self {
        use std::os::fd::AsRawFd;
        let master = self.s.get_process().get_raw_handle().unwrap();
        crate::support::wait_until("the program puts the terminal in raw mode", || {
            // SAFETY: tcgetattr only writes the termios it is given.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            assert_eq!(unsafe { libc::tcgetattr(master.as_raw_fd(), &mut t) }, 0);
            t.c_lflag & (libc::ISIG | libc::ICANON) == 0
        });
        self
    }

    /// Types keys (no Enter).
    fn keys(&mut self, k: &str) -> &mut Self {
        self.s.send(k).unwrap();
        self
    }

    /// Types a line and Enter.
    fn line(&mut self, text: &str) -> &mut Self {
        self.keys(text).keys(ENTER)
    }

    /// Picks the menu item `n` places below the preselected one.
    fn pick(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.keys(DOWN);
        }
        self.keys(ENTER)
    }

    /// Picks the menu item `n` places above the preselected first one,
    /// counting from the end: 1 is the last item (Quit).
    fn pick_up(&mut self, n: usize) -> &mut Self {
        for _ in 0..n {
            self.keys(UP);
        }
        self.keys(ENTER)
    }

    /// What the screen showed between the last `from` and the first `to`
    /// after it (to the end when `to` did not show).
    fn between(&self, from: &str, to: &str) -> &str {
        let at = self
            .seen
            .rfind(from)
            .unwrap_or_else(|| panic!("{from:?} never showed:\n{}", tail(&self.seen)));
        let rest = &self.seen[at + from.len()..];
        &rest[..rest.find(to).unwrap_or(rest.len())]
    }

    /// Reads to the end and returns the exit code and the rest of the screen.
    fn finish(mut self) -> (i32, String) {
        let rest = match self.s.expect(Eof) {
            Ok(c) => String::from_utf8_lossy(c.before()).to_string(),
            Err(e) => panic!("waiting for the end: {e}\n{}", tail(&self.seen)),
        };
        self.seen.push_str(&rest);
        let code = match self.s.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("bpmn did not exit normally: {other:?}"),
        };
        (code, self.seen)
    }
}

fn tail(s: &str) -> &str {
    let start = s.len().saturating_sub(4000);
    let mut i = start;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    &s[i..]
}

/// `bpmn data FILE --json` (stdin is not a terminal: no session).
fn saved_data(dir: &Path, file: &str) -> Value {
    let out = Cmd::new(env!("CARGO_BIN_EXE_bpmn"))
        .current_dir(dir)
        .args(["data", file, "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn saved_summary(dir: &Path, file: &str) -> Value {
    let out = Cmd::new(env!("CARGO_BIN_EXE_bpmn"))
        .current_dir(dir)
        .args(["resume", file, "--json", "--save", "peek.json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

const TUTORIAL: [&str; 9] = [
    "run",
    "-b",
    "bpmn/top_level.bpmn",
    "bpmn/call_activity.bpmn",
    "-d",
    "dmn/product_prices.dmn",
    "dmn/shipping_costs.dmn",
    "-p",
    "order_product",
];

/// The first half of the tutorial: product, color, size, shipping method.
fn first_half(t: &mut Term) {
    t.want("select_product_and_quantity")
        .want("What next?")
        .keys(ENTER)
        .want("Welcome to the shop!")
        .want("Product")
        .pick(1) // Hoodie
        .want("Quantity [1]:")
        .line("0")
        .want("0 is less than the minimum of 1")
        .want("Quantity [1]:")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER)
        .want("Which color would you like your hoodie in?")
        .want("Color")
        .keys(ENTER) // black, the default
        .want("What next?")
        .keys(ENTER)
        .want("Which size should your black hoodie be?")
        .want("Size")
        .pick(1) // from M (default) to L
        .want("enter_shipping_address")
        .want("What next?")
        .keys(ENTER)
        .want("Which task?")
        .keys(ENTER) // Select shipping method
        .want("Shipping method")
        .keys(ENTER); // standard
}

/// The second half, from the shipping address to the end.
fn second_half(t: &mut Term) {
    t.want("What next?")
        .keys(ENTER)
        .want("Enter the shipping address")
        .want("Full name")
        .line("Erika Mustermann")
        .want("Street and number")
        .line("Heidestrasse 17")
        .want("Postal code")
        .line("5")
        .want("does not match")
        .want("Postal code")
        .line("51147")
        .want("City")
        .line("Koeln")
        .want("Country")
        .keys(ENTER) // DE, the default
        .want("What next?")
        .keys(ENTER)
        .want("Your order total is 47.")
        .want("Coupon codes #1")
        .line("welcome5")
        .want("does not match")
        .want("Coupon codes #1")
        .line("WELCOME5")
        .want("Coupon codes #2")
        .keys(ENTER)
        .want("Place the order")
        .line("y")
        .want("What next?")
        .keys(ENTER)
        .want("Pack 1 x hoodie (black, size L) for Erika Mustermann.")
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER)
        .want("The customer pays 42.0.")
        .want("Carrier")
        .keys(ENTER) // DHL
        .want("Tracking number")
        .line("JJD0001234567")
        .want("Parcel weight (kg)")
        .line("40")
        .want("40 is greater than the maximum of 31.5")
        .want("Parcel weight (kg)")
        .line("0.8")
        .want("Parcels [1]")
        .keys(ENTER)
        .want("Workflow completed.")
        .want("\"amount_due\": 42.0");
}

#[test]
fn the_tutorial_runs_to_the_end_in_a_terminal() {
    let dir = tutorial_dir();
    let mut t = Term::start(dir.path(), &TUTORIAL, false);
    first_half(&mut t);
    second_half(&mut t);
    t.want("What next?")
        .keys(ENTER) // Quit is preselected once the workflow is done
        .want("Save the state before quitting?")
        .line("y")
        .want("Save to file (.json or .ron) [order_product.state.json]:")
        .line("done.json")
        .want("Saved to done.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{}", tail(&screen));
    // Colour is off with NO_COLOR: no SGR sequences at all.
    assert!(!screen.contains("\x1b[1m") && !screen.contains("\x1b[32m"));
    let data = saved_data(dir.path(), "done.json");
    assert_eq!(data["amount_due"], json!(42.0));
    assert_eq!(data["product_size"], json!("L"));
    assert_eq!(data["coupon_codes"], json!(["WELCOME5"]));
    assert_eq!(data["parcel_weight_kg"], json!(0.8));
    assert_eq!(data["shipping_address"]["postal_code"], json!("51147"));
}

#[test]
fn save_halfway_resume_reset_and_finish() {
    let dir = tutorial_dir();
    let mut t = Term::start(dir.path(), &TUTORIAL, true);
    first_half(&mut t);
    // Save halfway, then quit: nothing is unsaved, so no question.
    t.want("What next?")
        .pick(8) // Save state
        .want("Save to file (.json or .ron)")
        .line("order.json")
        .want("Saved to order.json.")
        .want("What next?")
        .pick(10) // Quit
        .want("The state is in order.json. Continue with: bpmn resume order.json");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    // Colour on a terminal without NO_COLOR.
    assert!(screen.contains("\x1b[1m"), "no bold heading");
    let v = saved_summary(dir.path(), "order.json");
    assert_eq!(v["ready"], json!(["enter_shipping_address"]));

    // Resume, go back to the size (4 tasks back), choose XL this time.
    let mut t = Term::start(dir.path(), &["resume", "order.json"], false);
    t.want("enter_shipping_address")
        .want("What next?")
        .pick(9) // Reset to a past task
        .want("Reset to which task? (most recent first)")
        .want("Select shipping method")
        .pick(4) // select_shipping_method, collect_shipping_info,
        //         customization_done, size_chosen, select_product_size
        .want("Everything that followed it is undone")
        .line("y")
        .want("Reset to Select product size")
        .want("select_product_size")
        .want("What next?")
        .keys(ENTER)
        .want("Size")
        .pick(2) // from M to XL
        .want("What next?")
        .keys(ENTER)
        .want("Which task?")
        .keys(ENTER)
        .want("Shipping method")
        .pick(1); // express
    second_half_after_reset(&mut t);
    t.want("What next?").keys(ENTER); // Quit: saves back to order.json
    t.want("Saved to order.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{}", tail(&screen));
    let data = saved_data(dir.path(), "order.json");
    assert_eq!(data["product_size"], json!("XL"));
    assert_eq!(data["shipping_method"], json!("express"));
    assert_eq!(data["amount_due"], json!(54.0));
}

/// The second half with express shipping (no coupon).
fn second_half_after_reset(t: &mut Term) {
    t.want("What next?")
        .keys(ENTER)
        .want("Full name")
        .line("Ada")
        .want("Street and number")
        .line("Main St 1")
        .want("Postal code")
        .line("12345")
        .want("City")
        .line("Berlin")
        .want("Country")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER)
        .want("Your order total is 54.")
        .want("Coupon codes #1")
        .keys(ENTER)
        .want("Place the order")
        .keys(ENTER) // yes, the default
        .want("What next?")
        .keys(ENTER)
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER)
        .want("Carrier")
        .keys(ENTER)
        .want("Tracking number")
        .line("ABC123456")
        .want("Parcel weight (kg)")
        .keys(ENTER) // optional: left out
        .want("Parcels [1]")
        .keys(ENTER)
        .want("Workflow completed.");
}

#[test]
fn ctrl_c_saves_where_asked_and_the_state_resumes() {
    let dir = tutorial_dir();
    let mut t = Term::start(dir.path(), &TUTORIAL, false);
    t.want("What next?")
        .keys(ENTER)
        .want("Product")
        .keys(ENTER)
        .want("Quantity [1]:")
        .keys("\x03")
        .want("Interrupted.")
        .want("Save to file (.json or .ron) [order_product.state.json]:")
        .line("halt.json")
        .want("Saved to halt.json. Continue with: bpmn resume halt.json");
    let (code, _) = t.finish();
    assert_eq!(code, 4);
    // The half-filled form was not applied: the task is still ready.
    let v = saved_summary(dir.path(), "halt.json");
    assert_eq!(v["ready"], json!(["select_product_and_quantity"]));
}

#[test]
fn ctrl_c_in_a_menu_restores_the_terminal_and_saves() {
    let dir = tutorial_dir();
    let mut t = Term::start(dir.path(), &TUTORIAL, false);
    t.want("What next?");
    // Once dialoguer reads a key (raw mode: Ctrl-C is a key, not a
    // signal), press Ctrl-C in the menu.
    t.wait_for_raw_mode();
    t.keys("\x03")
        .want("Interrupted.")
        .want("Save to file")
        .keys(ENTER)
        .want("Saved to order_product.state.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 4);
    // dialoguer hid the cursor for the menu; it is shown again.
    assert!(screen.contains("\x1b[?25h"), "cursor not restored");
    assert!(dir.path().join("order_product.state.json").is_file());
}

#[test]
fn end_of_input_autosaves_to_a_fresh_file() {
    let dir = tutorial_dir();
    let mut t = Term::start(dir.path(), &TUTORIAL, false);
    t.want("What next?")
        .keys(ENTER)
        .want("Product")
        .keys(ENTER)
        .want("Quantity [1]:")
        .line("2")
        .want("select_product_color")
        .want("What next?")
        .keys(ENTER)
        .want("Color")
        .keys(ENTER)
        .want("What next?")
        .pick(8) // Save state: asks a name, so Ctrl-D happens at a text prompt
        .want("Save to file")
        .keys("\x04")
        .want("End of input.")
        .want("Saved to order_product.state.json.");
    let (code, _) = t.finish();
    assert_eq!(code, 4);
    let v = saved_summary(dir.path(), "order_product.state.json");
    assert_eq!(v["ready"], json!(["select_product_size"]));
}

#[test]
fn every_form_feature_is_typed_into_the_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bpmn = root().join("tests/fixtures/bpmn/interactive.bpmn");
    let forms = root().join("tests/fixtures/forms");
    let mut t = Term::start(
        dir.path(),
        &[
            "run",
            "-b",
            bpmn.to_str().unwrap(),
            "-p",
            "Process_Interactive",
            "--data",
            r#"{"customer": "Ada"}"#,
            "--forms",
            forms.to_str().unwrap(),
            "--save",
            "forms.json",
        ],
        false,
    );
    // JSON-Schema form, stored under variableName `profile`.
    t.want("What next?")
        .keys(ENTER)
        .want("Hello Ada, tell us about yourself.")
        .want("Your profile")
        .want("Name:")
        .keys(ENTER)
        .want("Name is required")
        .want("Name:")
        .line("A") // minLength
        .want("\"A\" is shorter than 2 characters")
        .want("Name:")
        .line("Ada Lovelace Byron Countess") // maxLength
        .want("is longer than 20 characters")
        .want("Name:")
        .line("Ada")
        .want("Nickname:")
        .keys(ENTER) // optional: left out
        .want("Age [30]:")
        .line("eleven")
        .want("`eleven` is not a whole number")
        .want("Age [30]:")
        .line("12")
        .want("12 is less than the minimum of 18")
        .want("Age [30]:")
        .keys(ENTER) // default
        .want("Height (m):")
        .line("1.72")
        .want("Newsletter")
        .line("n")
        .want("Favourite color")
        .pick(1) // enum: from green (default) to blue
        .want("Plan")
        .pick(1) // oneOf const/title: Professional
        .want("Address:")
        .want("City:")
        .line("London")
        .want("Postal code:")
        .line("N1")
        .want("does not match \"^[0-9]{5}$\"")
        .want("Postal code:")
        .line("10115")
        .want("Tags #1")
        .line("Bad!")
        .want("does not match")
        .want("Tags #1")
        .line("math")
        .want("Tags #2")
        .line("poems")
        .want("Tags #3")
        .line("music")
        .want("Tags #4")
        .keys(ENTER)
        .want("has more than 2 items") // maxItems: the list is asked again
        .want("Tags #1")
        .line("math")
        .want("Tags #2")
        .keys(ENTER);
    // Camunda form.
    t.want("What next?")
        .keys(ENTER)
        .want("Item:")
        .keys(ENTER)
        .want("Item is required")
        .want("Item:")
        .line("P")
        .want("Item needs at least 2 characters")
        .want("Item:")
        .line("Pen")
        .want("Amount [10]:")
        .line("1000")
        .want("Amount must be at most 100")
        .want("Amount [10]:")
        .keys(ENTER) // defaultValue
        .want("Express delivery")
        .line("y")
        .want("Due date (YYYY-MM-DD):")
        .line("2026-02-30")
        .want("`2026-02-30` is not a date")
        .want("Due date (YYYY-MM-DD):")
        .line("2019-05-01")
        .want("Due date must be on or after 2020-01-01")
        .want("Due date (YYYY-MM-DD):")
        .line("2026-03-01")
        .want("Currency")
        .pick(2); // Swiss franc
    // A user task without a form: name = value pairs.
    t.want("What next?")
        .keys(ENTER)
        .want("name = value:")
        .line("fragile")
        .want("has no `=`")
        .want("name = value:")
        .line("note = handle with care")
        .want("name = value:")
        .line("boxes = [1, 2]")
        .want("name = value:")
        .keys(ENTER);
    // Manual task: documentation and instructions rendered from the data.
    t.want("What next?")
        .keys(ENTER)
        .want("The total is 20 CHF.")
        .want("Ship 10 x Pen to Ada in London.")
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("Workflow completed.")
        .want("What next?")
        .keys(ENTER) // Quit: saves to --save without asking
        .want("Saved to forms.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{}", tail(&screen));
    let data = saved_data(dir.path(), "forms.json");
    assert_eq!(
        data["profile"],
        json!({"name": "Ada", "age": 30, "height": 1.72, "newsletter": false, "color": "blue",
               "plan": "pro", "address": {"city": "London", "zip": "10115"}, "tags": ["math"]})
    );
    for (k, v) in [
        ("item", json!("Pen")),
        ("amount", json!(10)),
        ("express", json!(true)),
        ("due", json!("2026-03-01")),
        ("currency", json!("CHF")),
        ("note", json!("handle with care")),
        ("boxes", json!([1, 2])),
        ("total", json!(20)),
    ] {
        assert_eq!(data[k], v, "{k}");
    }
}

#[test]
fn step_mode_waits_at_engine_tasks_and_shows_their_data() {
    let dir = tutorial_dir();
    let mut t = Term::start(
        dir.path(),
        &[
            "run",
            "-b",
            "bpmn/task_types.bpmn",
            "-d",
            "dmn/product_prices.dmn",
            "-p",
            "order_product_task_types",
            "--step",
        ],
        false,
    );
    t.want("one task at a time")
        .want("startEvent")
        .want("Run the next engine task")
        .keys(ENTER)
        .want("Ran Begin order (begin_order, startEvent): COMPLETED.")
        .want("Data of the last task:")
        .want("What next?")
        .keys(ENTER) // the user task (no engine task is ready)
        .want("Product")
        .keys(ENTER)
        .want("Quantity [1]:")
        .line("3")
        .want("\"product_quantity\": 3")
        .want("look_up_product_price")
        .want("What next?")
        .keys(ENTER)
        .want("Ran Look up product price")
        .want("\"product_price\": 18")
        .want("What next?")
        .keys(ENTER)
        .want("\"order_total\": 54")
        .want("What next?")
        .pick(10) // Quit (Run a task, 8 lists/actions, Reset, Quit)
        .want("Save the state before quitting?")
        .line("n");
    let (code, _) = t.finish();
    assert_eq!(code, 4);
}

#[test]
fn a_collaboration_shows_each_task_process() {
    let dir = tempfile::tempdir().unwrap();
    let bpmn = root().join("tests/fixtures/bpmn/collaboration.bpmn");
    let mut t = Term::start(
        dir.path(),
        &["run", "-b", bpmn.to_str().unwrap(), "-c", "Collab_Orders"],
        false,
    );
    t.want("Running collaboration Collab_Orders")
        .want("process")
        .want("Process_Customer")
        .want("Process_Shop")
        .want("What next?")
        .keys(ENTER)
        .want("Which task?")
        .want("Place order (Task_PlaceOrder, userTask, process Process_Customer)")
        .want("Pick goods (Task_Pick, userTask, process Process_Shop)")
        .pick(1)
        .want("name = value:")
        .line("picked = 3")
        .want("name = value:")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER) // the remaining task
        .want("name = value:")
        .keys(ENTER)
        .want("Workflow completed.")
        .want("\"picked\": 3")
        .want("What next?")
        .keys(ENTER)
        .want("Save the state before quitting?")
        .line("n");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

#[test]
fn refreshing_fires_a_timer_once_it_is_due() {
    // A virtual clock: time passes only when the user moves it, so the test
    // never waits for the real clock.
    let dir = tempfile::tempdir().unwrap();
    let bpmn = root().join("tests/fixtures/bpmn/interactive_timer.bpmn");
    let mut t = Term::start(
        dir.path(),
        &[
            "run",
            "-b",
            bpmn.to_str().unwrap(),
            "-p",
            "Process_Timer",
            "--now",
            "2025-01-01T00:00:00Z",
        ],
        false,
    );
    t.want("Wait_A_Moment")
        .want("WAITING")
        .want("Refresh waiting tasks (timers)")
        .keys(ENTER)
        .want("Move the virtual clock forward by")
        .keys(ENTER)
        .want("Timers still waiting:")
        .want("Wait_A_Moment fires at")
        .want("What next?")
        .keys(ENTER)
        .want("Move the virtual clock forward by")
        .line("PT2S")
        .want("No timer is waiting any more.");
    t.want("After the wait")
        .want("What next?")
        .keys(ENTER)
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("Workflow completed.")
        .want("What next?")
        .keys(ENTER)
        .want("Save the state before quitting?")
        .line("n");
    let (code, _) = t.finish();
    assert_eq!(code, 0);
}

// ----- piped stdin: the line-based fallback --------------------------------

fn piped(dir: &Path, args: &[&str], input: &str) -> std::process::Output {
    Cmd::new(env!("CARGO_BIN_EXE_bpmn"))
        .current_dir(dir)
        .args(args)
        // No NO_COLOR: a pipe gets no colour anyway.
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color")
        .write_stdin(input)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap()
}

#[test]
fn answers_piped_through_stdin_run_the_tutorial() {
    let dir = tutorial_dir();
    let input = [
        "run",
        "hoodie",
        "", // product, quantity 1
        "",
        "", // color: black
        "",
        "L", // size
        "",
        "Select shipping method",
        "standard", //
        "",
        "Erika Mustermann",
        "Heidestrasse 17",
        "51147",
        "Koeln",
        "", //
        "",
        "WELCOME5",
        "",
        "y", // review
        "",
        "", // pack
        "",
        "",
        "JJD0001234567",
        "0.8",
        "", // ship
        "quit",
        "n",
    ]
    .join("\n")
        + "\n";
    let out = piped(dir.path(), &TUTORIAL, &input);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Workflow completed."), "{stdout}");
    assert!(stdout.contains("\"amount_due\": 42.0"), "{stdout}");
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "colour in a pipe"
    );
    // Prompts go to stderr, each answer repeated after its prompt.
    assert!(stderr.contains("Full name: Erika Mustermann"), "{stderr}");
}

#[test]
fn a_pipe_that_ends_early_leaves_a_resumable_state() {
    let dir = tutorial_dir();
    let out = piped(dir.path(), &TUTORIAL, "1\nmug\n2\n");
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("End of input."), "{stdout}");
    assert!(
        stdout.contains("Saved to order_product.state.json."),
        "{stdout}"
    );
    let v = saved_summary(dir.path(), "order_product.state.json");
    assert_eq!(v["ready"], json!(["select_product_color"]));
    assert_eq!(v["data"]["product_quantity"], json!(2));
}

#[test]
fn an_invalid_piped_answer_is_asked_again_with_the_reason() {
    let dir = tutorial_dir();
    let out = piped(dir.path(), &TUTORIAL, "1\nmug\n99\n2\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("! 99 is greater than the maximum of 20"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn an_empty_stdin_keeps_the_scripted_contract() {
    let dir = tutorial_dir();
    let out = piped(dir.path(), &TUTORIAL, "");
    assert_eq!(out.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Waiting for input:"), "{stdout}");
    assert!(!dir.path().join("order_product.state.json").exists());
}

// ----- keyboard and screen (issue 15) ----------------------------------------

/// `run` of the session fixture: a yes/no and a text question, a choice
/// list, two lanes and six tasks.
fn session_run(extra: &[&str]) -> Vec<String> {
    let bpmn = root().join("tests/fixtures/bpmn/session.bpmn");
    let mut v: Vec<String> = ["run", "-b", bpmn.to_str().unwrap(), "-p", "Process_Session"]
        .map(String::from)
        .to_vec();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_yes_no_question_reads_a_whole_line() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    let mut t = Term::start(dir.path(), &strs(&args), false);
    // Typed ahead of the prompt or not, `no⏎` is one answer: nothing of it
    // reaches the next question.
    t.want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .line("maybe")
        .want("answer y or n")
        .want("Gift wrap [Y/n]")
        .line("no")
        .want("Note:")
        .line("hi")
        .want("What next?")
        .keys(ENTER)
        .want("Gift wrap: False; note: hi.")
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("What next?")
        .pick_up(1) // Quit
        .want("Save the state before quitting? [Y/n]")
        .line("yes")
        .want("Save to file (.json or .ron) [Process_Session.state.json]:")
        .keys(ENTER)
        .want("Saved to Process_Session.state.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    let data = saved_data(dir.path(), "Process_Session.state.json");
    assert_eq!(data["gift"], json!(false));
    assert_eq!(data["note"], json!("hi"));
}

/// Saves a state of the session fixture waiting at its first task, the way
/// a script would (`run --save` without a terminal).
fn scripted_state(dir: &Path, file: &str, data: &str) {
    let args = session_run(&["--save", file, "--data", data]);
    let out = Cmd::new(env!("CARGO_BIN_EXE_bpmn"))
        .current_dir(dir)
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{out:?}");
}

#[test]
fn save_state_asks_before_overwriting_a_file_the_session_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("other.json"), "keep me").unwrap();
    let args = session_run(&[]);
    let mut t = Term::start(dir.path(), &strs(&args), false);
    t.want("What next?")
        .pick_up(3) // Save state (above Reset and Quit)
        .want("Save to file (.json or .ron)")
        .line("other.json")
        .want("other.json exists and this session did not write it")
        .want("Cancel")
        .keys(ENTER) // Save elsewhere, preselected
        .want("Save to file (.json or .ron)")
        .line("mine.json")
        .want("Saved to mine.json.")
        .want("What next?")
        .pick_up(3)
        .want("Save to file (.json or .ron) [mine.json]")
        .line("other.json")
        .want("other.json exists and this session did not write it")
        .want("Cancel")
        .pick(1) // Cancel
        .want("Nothing was saved.")
        .want("What next?")
        .pick_up(1) // Quit: nothing changed since mine.json
        .want("The state is in mine.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("other.json")).unwrap(),
        "keep me"
    );
    let v = saved_summary(dir.path(), "mine.json");
    assert_eq!(v["ready"], json!(["Task_Wrap"]));
}

#[test]
fn a_session_never_silently_undoes_a_change_made_to_its_file_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    scripted_state(dir.path(), "order.json", r#"{"who": "session"}"#);
    scripted_state(dir.path(), "undo.json", r#"{"who": "elsewhere"}"#);
    let mut t = Term::start(dir.path(), &["resume", "order.json"], false);
    t.want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .keys(ENTER)
        .want("Note:")
        .line("mine")
        .want("Check the parcel");
    // Meanwhile, another shell puts another state in place (as
    // `mv order.before-reset.json order.json` would: a rename is not
    // stopped by the session's lock).
    std::fs::rename(dir.path().join("undo.json"), dir.path().join("order.json")).unwrap();
    let theirs = std::fs::read(dir.path().join("order.json")).unwrap();
    t.want("What next?")
        .pick_up(3) // Save state, to order.json by default
        .want("Save to file (.json or .ron) [order.json]:")
        .keys(ENTER)
        .want("order.json was changed by another program since this session loaded or saved it")
        .want("Cancel")
        .pick(1) // Cancel
        .want("Nothing was saved.")
        .want("What next?")
        .pick_up(1) // Quit: would save to order.json
        .want("order.json was changed by another program")
        .want("Cancel")
        .keys(ENTER) // Save elsewhere
        .want("Save to file (.json or .ron)")
        .line("mine.json")
        .want("Saved to mine.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    assert_eq!(
        std::fs::read(dir.path().join("order.json")).unwrap(),
        theirs
    );
    assert_eq!(
        saved_data(dir.path(), "order.json")["who"],
        json!("elsewhere")
    );
    let mine = saved_data(dir.path(), "mine.json");
    assert_eq!(
        (&mine["who"], &mine["note"]),
        (&json!("session"), &json!("mine"))
    );
}

/// Runs the session fixture to the end on the terminal (stdout or stderr
/// redirected elsewhere) and quits without saving.
fn session_to_the_end(t: &mut Term) {
    t.want("Choose wrapping") // the table of open tasks
        .want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .keys(ENTER)
        .want("Note:")
        .line("n1")
        .want("What next?")
        .keys(ENTER)
        .want("Gift wrap: True; note: n1.")
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("What next?")
        .keys(ENTER)
        .want("Carrier")
        .keys(ENTER)
        .want("Tracking number:")
        .line("T1")
        .want("What next?")
        .keys(ENTER)
        .want("Send it with DHL, tracking T1.")
        .want("Press Enter when done.")
        .keys(ENTER)
        .want("Workflow completed.")
        .want("What next?")
        .keys(ENTER) // Quit
        .want("Save the state before quitting? [Y/n]")
        .line("n");
}

#[test]
fn with_stdout_redirected_the_session_stays_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    let mut t = Term::start_with(dir.path(), &strs(&args), true, (160, 50), ">out.txt", &[]);
    session_to_the_end(&mut t);
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{}", tail(&screen));
    // Colour follows the terminal the session is on, not stdout.
    assert!(
        screen.contains("\x1b[1m"),
        "no bold heading on the terminal"
    );
    // stdout gets the completed workflow's data, as JSON, and nothing else.
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(!out.contains('\x1b'), "escape codes in stdout: {out:?}");
    let data: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    assert_eq!(
        data,
        json!({"gift": true, "note": "n1", "carrier": "DHL", "tracking": "T1"})
    );
}

#[test]
fn with_stderr_redirected_the_prompts_still_appear() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    let mut t = Term::start_with(dir.path(), &strs(&args), true, (160, 50), "2>err.txt", &[]);
    session_to_the_end(&mut t);
    let (code, screen) = t.finish();
    assert_eq!(code, 0, "{}", tail(&screen));
    // The menus, not the numbered lists of a pipe.
    assert!(!screen.contains("Choose 1-"), "{}", tail(&screen));
    let err = std::fs::read_to_string(dir.path().join("err.txt")).unwrap();
    assert_eq!(err, "");
}

#[test]
fn esc_backs_out_of_a_form_and_ctrl_d_at_a_menu_saves_and_quits() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    let mut t = Term::start(dir.path(), &strs(&args), false);
    // Esc at a yes/no question, then halfway through a form.
    t.want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .keys(ESC)
        .want("Back to the menu: Choose wrapping was not answered.")
        .want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .keys(ENTER)
        .want("Note:")
        .keys("half")
        .keys(ESC)
        .want("Back to the menu: Choose wrapping was not answered.")
        .want("What next?")
        .keys(ENTER)
        .want("Gift wrap [Y/n]")
        .line("n")
        .want("Note:")
        .line("whole")
        .want("What next?")
        .keys(ENTER)
        .want("Press Enter when done.")
        .keys(ENTER);
    // Esc in a choice list.
    t.want("What next?")
        .keys(ENTER)
        .want("Carrier")
        .keys(ESC)
        .want("Back to the menu: Print the label was not answered.")
        .want("What next?");
    // Ctrl-D at the menu: saves as Ctrl-C does (asking where, as nothing
    // is remembered) and quits.
    t.wait_for_raw_mode()
        .keys(CTRL_D)
        .want("Save to file (.json or .ron) [Process_Session.state.json]:")
        .keys(ENTER)
        .want("Saved to Process_Session.state.json.");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    let v = saved_summary(dir.path(), "Process_Session.state.json");
    assert_eq!(v["ready"], json!(["Task_Label"]));
    assert_eq!(v["data"]["note"], json!("whole"));
    assert!(v["data"].get("carrier").is_none(), "{v}");
}

#[test]
fn the_menu_filters_tasks_by_state_lane_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    let mut t = Term::start(dir.path(), &strs(&args), false);
    t.want("What next?")
        .pick(4) // Filter tasks, after List all tasks
        .want("State")
        .keys(ENTER) // any
        .want("Lane")
        .pick(2) // any lane, Customer, Staff
        .want("Name contains")
        .line("LABEL")
        .want("1 of 6 tasks match.");
    let shown = t.between("Name contains", "tasks match.").to_string();
    assert!(shown.contains("Print the label"), "{shown}");
    assert!(
        !shown.contains("Send it") && !shown.contains("Choose wrapping"),
        "{shown}"
    );
    t.want("What next?")
        .pick(4)
        .want("State")
        .want("FUTURE")
        .pick(1) // any state, READY, COMPLETED, FUTURE
        .want("Lane")
        .keys(ENTER)
        .want("Name contains")
        .keys(ENTER)
        .want("1 of 6 tasks match.");
    let shown = t.between("Name contains", "tasks match.").to_string();
    assert!(shown.contains("Choose wrapping"), "{shown}");
    assert!(
        !shown.contains("Print the label") && !shown.contains("Start"),
        "{shown}"
    );
    t.want("What next?")
        .pick(4)
        .want("State")
        .keys(ENTER)
        .want("Lane")
        .keys(ENTER)
        .want("Name contains")
        .line("nothing like it")
        .want("No task matches.")
        .want("What next?")
        .pick_up(1)
        .want("Save the state before quitting?")
        .line("n");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
}

#[test]
fn show_diagram_writes_the_picture_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("order.json");
    let args = session_run(&["--save", save.to_str().unwrap()]);
    let mut t = Term::start(dir.path(), &strs(&args), false);
    t.want("What next?")
        .pick(6) // Show diagram, after View workflow data
        .want("Diagram written to")
        .want("(open it in a browser)");
    let said = t.between("Diagram written to", "(open it").to_string();
    // Quit saves to the --save file without asking.
    t.want("What next?").pick_up(1);
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
    // Next to the session's state file, named after it.
    let svg = dir.path().join("order.svg");
    assert!(said.contains("order.svg"), "{said}");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("<svg") && text.contains("state-ready"),
        "{text}"
    );
}

#[test]
fn listing_all_tasks_pages_on_a_short_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let args = session_run(&[]);
    // 8 rows: the table of all tasks (11 lines) takes two screens.
    let mut t = Term::start_with(dir.path(), &strs(&args), false, (160, 8), "", &[]);
    t.want("What next?")
        .pick(3) // List all tasks
        .want("Print the label")
        .want("-- more (Enter, q) --");
    let first = t.between("List all tasks", "-- more").to_string();
    assert!(!first.contains("Send it"), "{first}");
    t.keys(ENTER)
        .want("Send it")
        .want("Done")
        .want("What next?");
    // q leaves the rest unshown.
    t.pick(3)
        .want("-- more (Enter, q) --")
        .keys("q")
        .want("What next?");
    let rest = t.between("-- more (Enter, q) --", "What next?").to_string();
    assert!(!rest.contains("Send it"), "{rest}");
    t.pick_up(1)
        .want("Save the state before quitting?")
        .line("n");
    let (code, screen) = t.finish();
    assert_eq!(code, 4, "{}", tail(&screen));
}

/// `word` as the resume hint quotes it for a shell.
fn shell_word(word: &str) -> String {
    if word
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What `cargo run` sets for the program it runs (and `cargo test` sets
/// too, with `CARGO_BIN_EXE_bpmn`, which `cargo run` does not).
fn as_if_cargo_run(dir: &Path) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("CARGO_PKG_NAME", Some("bpmn-runner".to_string())),
        ("CARGO_MANIFEST_DIR", Some(dir.display().to_string())),
        ("CARGO_BIN_EXE_bpmn", None),
    ]
}

#[test]
fn the_resume_hint_says_cargo_run_when_cargo_ran_the_session() {
    let dir = tutorial_dir();
    let env = as_if_cargo_run(dir.path());
    let env: Vec<(&str, Option<&str>)> = env.iter().map(|(k, v)| (*k, v.as_deref())).collect();
    let mut t = Term::start_with(dir.path(), &TUTORIAL, false, (160, 50), "", &env);
    t.want("What next?");
    // Ctrl-C is a key only once the menu reads keys (raw mode); before
    // that it is a signal, and the menu would wait for a key (a race under
    // load).
    t.wait_for_raw_mode();
    t.keys("\x03")
        .want("Interrupted.")
        .want("Save to file (.json or .ron) [order_product.state.json]:")
        .line("halt.json")
        .want("Saved to halt.json. Continue with: cargo run -- resume halt.json");
    let (code, _) = t.finish();
    assert_eq!(code, 4);
}

#[test]
fn the_resume_hint_prints_the_program_as_it_was_invoked() {
    let bin = env!("CARGO_BIN_EXE_bpmn");
    // Run by its path (argv[0] is the path): the hint gives that path.
    let dir = tutorial_dir();
    let out = piped(dir.path(), &TUTORIAL, "1\nmug\n2\n");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!(
            "Saved to order_product.state.json. Continue with: {} resume order_product.state.json",
            shell_word(bin)
        )),
        "{stdout}"
    );
    // `bpmn reset` gives the same hint, and `cargo run --` under cargo.
    let saved = dir.path().join("order_product.state.json");
    std::fs::copy(&saved, dir.path().join("copy.json")).unwrap();
    let reset = |file: &str, env: &[(&str, Option<String>)]| -> String {
        let mut cmd = Cmd::new(bin);
        cmd.current_dir(dir.path())
            .args(["reset", file, "--task", "select_product_and_quantity"]);
        for (k, v) in env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let by_path = reset("order_product.state.json", &[]);
    assert!(
        by_path.contains(&format!(
            "Continue with: {} resume order_product.state.json",
            shell_word(bin)
        )),
        "{by_path}"
    );
    let by_cargo = reset("copy.json", &as_if_cargo_run(dir.path()));
    assert!(
        by_cargo.contains("Continue with: cargo run -- resume copy.json"),
        "{by_cargo}"
    );
}

// ----- the store in a session (issue 15) --------------------------------------

#[test]
fn a_session_shows_the_log_and_instances_and_starts_from_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("sequence.bpmn");
    std::fs::copy(root().join("tests/fixtures/bpmn/sequence.bpmn"), &model).unwrap();
    Cmd::cargo_bin("bpmn")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("BPMN_STORE")
        .args(["add", "-p", "Process_Sequence", "-b", "sequence.bpmn"])
        .assert()
        .success();
    let mut t = Term::start(
        dir.path(),
        &[
            "start",
            "Process_Sequence",
            "--data",
            r#"{"price": 4, "qty": 5}"#,
        ],
        false,
    );
    // Run a task, past, future, all, filter, data, show, then Log.
    t.want("What next?")
        .pick(7)
        .want("Confirm order (Task_Confirm)  (new) → READY")
        .want("What next?")
        .pick(8) // Instances in the store
        .want("Process_Sequence")
        .want("What next?")
        .pick(9) // Start from the library
        .want("Start which spec?")
        .keys(ENTER)
        .want("Saved to instance 1 in the store.")
        .want("Started instance 2 of spec 1")
        .want("What next?")
        .pick_up(1) // Quit
        .want("instance 2 in the store");
    let (code, screen) = t.finish();
    // The new instance started without data: its script fails (exit 3),
    // and it is kept in the store in ERROR like any other.
    assert_eq!(code, 3, "{}", tail(&screen));
    let out = Cmd::cargo_bin("bpmn")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("BPMN_STORE")
        .args(["instances", "--json"])
        .output()
        .unwrap();
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(
        (list[0]["status"].clone(), list[1]["status"].clone()),
        (json!("ready"), json!("error"))
    );
}
