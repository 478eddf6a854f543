//! Each construct of the Python subset: what it translates to, and what
//! running it does to task data.

use serde_json::{Value, json};

use super::{translate_condition, translate_script};
use crate::model::{Data, Dialect, ExprKind};
use crate::scripting::{CompileError, ScriptEngine};

fn data(v: Value) -> Data {
    v.as_object().cloned().map(Data::from).unwrap_or_default()
}

/// Runs Python script `src` on `input` and returns the resulting data.
fn run(src: &str, input: Value) -> Value {
    let e = ScriptEngine::default();
    let c = e
        .compile_in(src, ExprKind::Script, Dialect::Python)
        .unwrap_or_else(|err| panic!("{src}: {err}"));
    let mut d = data(input);
    e.run(&c, &mut d)
        .unwrap_or_else(|err| panic!("{src}: {err}\n{}", translate_script(src).unwrap().rhai));
    Value::from(d)
}

/// Runs `src` and returns its runtime error message.
fn run_err(src: &str, input: Value) -> String {
    let e = ScriptEngine::default();
    let c = e
        .compile_in(src, ExprKind::Script, Dialect::Python)
        .unwrap_or_else(|err| panic!("{src}: {err}"));
    e.run(&c, &mut data(input)).unwrap_err().to_string()
}

/// Evaluates Python expression `src` on `input`.
fn eval(src: &str, input: Value) -> Value {
    let e = ScriptEngine::default();
    let c = e
        .compile_in(src, ExprKind::Condition, Dialect::Python)
        .unwrap_or_else(|err| panic!("{src}: {err}"));
    e.eval(&c, &data(input))
        .unwrap_or_else(|err| panic!("{src}: {err}\n{}", translate_condition(src).unwrap().rhai))
}

fn cond(src: &str, input: Value) -> bool {
    let e = ScriptEngine::default();
    let c = e
        .compile_in(src, ExprKind::Condition, Dialect::Python)
        .unwrap();
    e.eval_bool(&c, &data(input)).unwrap()
}

fn compile_err(src: &str, kind: ExprKind) -> (u32, String, String) {
    match ScriptEngine::default().compile_in(src, kind, Dialect::Python) {
        Err(CompileError::Translate(t)) => (t.line, t.construct, t.message),
        Err(other) => panic!("{src}: not a translation error: {other}"),
        Ok(_) => panic!("{src}: compiled"),
    }
}

#[test]
fn boolean_operators_and_constants() {
    assert_eq!(
        translate_condition("a > 1 and not b").unwrap().rhai,
        "(py_lt(1, a) && !py_truthy(b))"
    );
    assert!(cond("x > 1 and y == 'Y'", json!({"x": 2, "y": "Y"})));
    assert!(cond("not val", json!({"val": false})));
    assert!(cond("skip == True", json!({"skip": true})));
    assert!(cond("z == None", json!({"z": null})));
    assert!(cond(
        "z is None and w is not None",
        json!({"z": null, "w": 0})
    ));
    // `or` / `and` return an operand, as in Python.
    assert_eq!(
        eval("name or 'anonymous'", json!({"name": ""})),
        json!("anonymous")
    );
    assert_eq!(eval("items and items[0]", json!({"items": [5]})), json!(5));
    assert_eq!(eval("items and items[0]", json!({"items": []})), json!([]));
}

#[test]
fn strings_and_literals() {
    assert_eq!(eval("'it''s' + \"\\n\"", json!({})), json!("its\n"));
    assert_eq!(
        eval("[1, 'a', None, True]", json!({})),
        json!([1, "a", null, true])
    );
    assert_eq!(
        eval("{'a': 1, \"b\": [2]}", json!({})),
        json!({"a": 1, "b": [2]})
    );
    assert_eq!(eval("{k: 1}", json!({"k": "dyn"})), json!({"dyn": 1}));
    assert_eq!(eval("(1, 2)", json!({})), json!([1, 2]));
    assert_eq!(eval("'''multi\nline'''", json!({})), json!("multi\nline"));
}

#[test]
fn membership() {
    assert!(cond(
        "product_name in [ 'product_c', 'product_d' ]",
        json!({"product_name": "product_d"})
    ));
    assert!(cond("'ell' in word", json!({"word": "hello"})));
    assert!(cond("'k' in d and 'z' not in d", json!({"d": {"k": 1}})));
    assert!(cond("2 in [1.0, 2.0]", json!({})));
}

#[test]
fn indexing_and_attributes() {
    assert_eq!(eval("d['a']['b']", json!({"d": {"a": {"b": 3}}})), json!(3));
    assert_eq!(eval("xs[-1]", json!({"xs": [1, 2, 3]})), json!(3));
    assert_eq!(eval("s[1]", json!({"s": "abc"})), json!("b"));
    assert!(cond(
        "product_info.color == True",
        json!({"product_info": {"color": true}})
    ));
    assert_eq!(eval("xs[1:]", json!({"xs": [1, 2, 3]})), json!([2, 3]));
    assert_eq!(eval("s[::-1]", json!({"s": "abc"})), json!("cba"));
    assert!(run_err("x = d['missing']", json!({"d": {}})).contains("KeyError: 'missing'"));
    assert!(run_err("x = xs[5]", json!({"xs": []})).contains("IndexError"));
    assert!(run_err("x = d.nope", json!({"d": {}})).contains("AttributeError"));
}

#[test]
fn builtins() {
    let d = json!({"xs": [3, 1, 2], "s": "héllo", "m": {"a": 1}});
    assert_eq!(eval("len(xs) + len(s) + len(m)", d.clone()), json!(9));
    assert_eq!(
        eval("str(1) + str(2.0) + str(None) + str(True)", d.clone()),
        json!("12.0NoneTrue")
    );
    assert_eq!(eval("str([1, 'a'])", d.clone()), json!("[1, 'a']"));
    assert_eq!(
        eval("int('42') + int(3.9) + int(True)", d.clone()),
        json!(46)
    );
    assert_eq!(eval("float('1.5') + float(1)", d.clone()), json!(2.5));
    assert_eq!(eval("sum(xs)", d.clone()), json!(6));
    assert_eq!(eval("sum([0.5, 1])", d.clone()), json!(1.5));
    assert_eq!(
        eval("[min(xs), max(xs), min(4, 2, 8), max('a', 'b')]", d.clone()),
        json!([1, 3, 2, "b"])
    );
    assert_eq!(
        eval(
            "[round(2.5), round(3.5), round(2.675, 2), round(7)]",
            d.clone()
        ),
        json!([2, 4, 2.67, 7])
    );
    assert_eq!(
        eval("[abs(-3), any([0, 1]), all([])]", d.clone()),
        json!([3, true, true])
    );
    assert_eq!(
        eval("sorted(xs, reverse=True)", d.clone()),
        json!([3, 2, 1])
    );
    assert_eq!(eval("list(range(3))", d.clone()), json!([0, 1, 2]));
    assert_eq!(eval("list(m)", d.clone()), json!(["a"]));
    assert_eq!(
        eval("[bool(0), bool('x')]", d.clone()),
        json!([false, true])
    );
    assert_eq!(eval("dict(a=1)", d.clone()), json!({"a": 1}));
    assert_eq!(eval("list(enumerate(['a']))", d.clone()), json!([[0, "a"]]));
    assert_eq!(
        eval("list(zip([1, 2], 'ab'))", d),
        json!([[1, "a"], [2, "b"]])
    );
}

#[test]
fn methods() {
    let out = run(
        "xs.append(4)\nxs.extend([5])\nxs.insert(0, 0)\nlast = xs.pop()\nxs.remove(2)\nd['new'] = d.get('a', 0) + d.get('zz', 10)\nks = d.keys()\nvs = list(d.values())\nits = d.items()\nd.update({'b': 2})\ndd = d.copy()\ndel dd['a']\nxs.sort(reverse=True)",
        json!({"xs": [1, 2, 3], "d": {"a": 1}}),
    );
    assert_eq!(
        out,
        json!({
            "xs": [4, 3, 1, 0], "last": 5,
            "d": {"a": 1, "new": 11, "b": 2},
            "dd": {"new": 11, "b": 2},
            "ks": ["a", "new"], "vs": [1, 11], "its": [["a", 1], ["new", 11]]
        })
    );
    let out = run(
        "a = s.upper()\nb = s.strip().lower()\nc = ' x '.strip()\nd = s.split(',')\ne = '-'.join(['a', 'b'])\nf = s.replace('A', 'B')\ng = s.startswith('A')\nh = s.find(',')",
        json!({"s": "A,b"}),
    );
    assert_eq!(
        out,
        json!({"s": "A,b", "a": "A,B", "b": "a,b", "c": "x", "d": ["A", "b"], "e": "a-b", "f": "B,b", "g": true, "h": 1})
    );
    // Nested receivers change in place.
    assert_eq!(
        run(
            "d['items'].append(1)\nd.sub.append(2)",
            json!({"d": {"items": [], "sub": []}})
        ),
        json!({"d": {"items": [1], "sub": [2]}})
    );
}

#[test]
fn fstrings() {
    let d = json!({"name": "Ada", "total": 1234.5, "n": 7, "x": null});
    assert_eq!(eval("f'Hi {name}!'", d.clone()), json!("Hi Ada!"));
    assert_eq!(
        eval("f\"{total:,.2f} / {n:03d} / {x}\"", d.clone()),
        json!("1,234.50 / 007 / None")
    );
    assert_eq!(
        eval("f'{{literal}} {n + 1}'", d.clone()),
        json!("{literal} 8")
    );
    assert_eq!(eval("f'{d[\"k\"]}'", json!({"d": {"k": "v"}})), json!("v"));
}

#[test]
fn conditional_expressions_and_comprehensions() {
    assert_eq!(
        eval("'big' if n > 5 else 'small'", json!({"n": 7})),
        json!("big")
    );
    let d =
        json!({"products": [{"q": 2, "p": 1.5}, {"q": 1, "p": 10}], "availability": ["Y", "N"]});
    assert_eq!(
        eval("sum([ p['q'] * p['p'] for p in products ]) + 1", d.clone()),
        json!(14.0)
    );
    assert!(cond("any([ v == 'N' for v in availability ])", d.clone()));
    assert_eq!(
        eval("[x * 2 for x in range(5) if x % 2 == 0]", d.clone()),
        json!([0, 4, 8])
    );
    assert_eq!(
        eval("{k: v for k, v in m.items()}", json!({"m": {"a": 1}})),
        json!({"a": 1})
    );
    assert_eq!(eval("sum(x for x in [1, 2])", d.clone()), json!(3));
    assert_eq!(
        eval("[(a, b) for a in [1, 2] for b in 'xy' if a > 1]", d),
        json!([[2, "x"], [2, "y"]])
    );
    // The comprehension variable stays local, as in Python 3.
    assert_eq!(
        run("ys = [x for x in [1]]", json!({"x": "keep"})),
        json!({"x": "keep", "ys": [1]})
    );
}

#[test]
fn arithmetic() {
    let d = json!({"a": 7, "b": 2});
    assert_eq!(
        eval(
            "[a / b, a // b, -a // b, a % b, -a % b, a ** b, 2 ** -1]",
            d.clone()
        ),
        json!([3.5, 3, -4, 1, 1, 49, 0.5])
    );
    assert_eq!(eval("6 / 2", d.clone()), json!(3.0));
    assert_eq!(eval("-2 ** 2", d.clone()), json!(-4));
    assert_eq!(
        eval("[1, 2] * 2 + ['x'] ", d.clone()),
        json!([1, 2, 1, 2, "x"])
    );
    assert_eq!(eval("'ab' * 2", d.clone()), json!("abab"));
    assert!(cond("1 < a <= 7", d));
    assert!(run_err("x = 1 / 0", json!({})).contains("ZeroDivisionError"));
}

#[test]
fn loops_break_pass_and_items() {
    let src = "
found = None
for k, v in d.items():
    if v > 1:
        found = k
        break
    else:
        pass
n = 0
while True:
    n += 1
    if n >= 3:
        break
";
    assert_eq!(
        run(src, json!({"d": {"a": 1, "b": 2, "c": 3}})),
        json!({"d": {"a": 1, "b": 2, "c": 3}, "found": "b", "k": "b", "v": 2, "n": 3})
    );
}

#[test]
fn multi_line_scripts_with_blocks() {
    let src = "
total = 0
for item in items:
    if item['qty'] > 1:
        total += item['qty'] * item['price']
    elif item['qty'] == 1:
        total += item['price']
    else:
        continue
discount = 0.1 if total > 100 else 0
while total > 1000:
    total -= 1000
label = 'big'
if total < 50: label = 'small'
";
    let out = run(
        src,
        json!({"items": [{"qty": 2, "price": 40}, {"qty": 1, "price": 30}, {"qty": 0, "price": 9}]}),
    );
    assert_eq!(out["total"], json!(110));
    assert_eq!(out["discount"], json!(0.1));
    assert_eq!(out["label"], json!("big"));
    // Like Python, the loop variable stays defined after the loop.
    assert_eq!(out["item"], json!({"qty": 0, "price": 9}));
}

#[test]
fn assignments_flow_back() {
    assert_eq!(
        run(
            "x += 1\ny = x * 2\na, b = 1, 2\nc = d = 'same'\nn /= 2",
            json!({"x": 1, "n": 5})
        ),
        json!({"x": 2, "y": 4, "a": 1, "b": 2, "c": "same", "d": "same", "n": 2.5})
    );
    // Assigning None creates the variable (as null).
    assert_eq!(
        run("a = None\nif False:\n    b = 1", json!({})),
        json!({"a": null})
    );
    // None ↔ null, dicts ↔ maps.
    assert_eq!(
        run(
            "product_name = None\nm = {'k': None}\nm['k'] = [1]",
            json!({"product_name": "x"})
        ),
        json!({"product_name": null, "m": {"k": [1]}})
    );
    // `del` removes variables from the data.
    assert_eq!(
        run(
            "del product_name\ndel gone, other\nt = 1",
            json!({"product_name": "x", "other": 1, "gone": 2})
        ),
        json!({"t": 1})
    );
    // Names Rhai reserves work.
    assert_eq!(
        run("default = new + 1\nmatch = [default]", json!({"new": 1})),
        json!({"new": 1, "default": 2, "match": [2]})
    );
}

#[test]
fn runtime_errors_name_the_python_line() {
    let e = ScriptEngine::default();
    let c = e
        .compile_in(
            "a = 1\n\nb = missing['k']",
            ExprKind::Script,
            Dialect::Python,
        )
        .unwrap();
    let mut d = Data::new();
    let err = e.run(&c, &mut d).unwrap_err();
    assert_eq!(err.line, Some(3), "{err}");
    assert_eq!(d.get("a"), Some(&json!(1)));
}

#[test]
fn out_of_subset_constructs_are_load_errors() {
    use ExprKind::*;
    for (src, kind, line, construct) in [
        ("from os import getpid\npid = getpid()", Script, 1, "from"),
        ("x = 1\nimport subprocess", Script, 2, "import"),
        ("import sys", Script, 1, "import"),
        ("def f(x):\n    def g():\n        pass", Script, 2, "def"),
        ("return 1", Script, 1, "return"),
        ("x = vars()", Script, 1, "vars()"),
        ("import math\nx = math", Script, 2, "module value"),
        ("import math\nx = math.nope(1)", Script, 2, "module call"),
        ("import time\ntime.sleep(1)", Script, 2, "module call"),
        ("class A:\n    pass", Script, 1, "class"),
        ("x = 1\nf = lambda y: y", Script, 2, "lambda"),
        (
            "try:\n    x = 1\nexcept Exception:\n    pass",
            Script,
            1,
            "try",
        ),
        ("with x:\n    pass", Script, 1, "with"),
        ("x = 1\n\nraise ValueError()", Script, 3, "raise"),
        ("x = {1, 2}", Script, 1, "set"),
        ("x = getpid()", Script, 1, "function call"),
        (
            "x = lookup_product_info(product_name)",
            Script,
            1,
            "function call",
        ),
        ("x = s.format(1)", Script, 1, "method call"),
        ("x = '%d' % 1", Script, 1, "%-formatting"),
        ("x = a is b", Script, 1, "is"),
        ("x = f'{a!r}'", Script, 1, "f-string conversion"),
        ("x = f'{a:>{w}}'", Script, 1, "f-string format spec"),
        ("x = y if z", Condition, 1, "syntax"),
        ("(y := 1)", Condition, 1, "walrus"),
        ("a & b", Condition, 1, "bitwise operator"),
    ] {
        let (l, c, m) = compile_err(src, kind);
        assert_eq!((l, c.as_str()), (line, construct), "{src}: {m}");
    }
}

#[test]
fn fuzzed_input_never_panics() {
    let e = ScriptEngine::default();
    let samples = [
        "",
        "(",
        "[1,",
        "{'a':",
        "f'{",
        "'''",
        "x = (",
        "if x\n",
        "for in x:",
        "a[",
        "a[::",
        "\\",
        "    x = 1\n  y",
        "x = 1 +",
        "$",
        "x = 'a\\",
        "lambda",
        "not",
        "a if",
        "1e",
        "0x",
        "d.",
        "x += ",
        "[x for]",
        "{x for x in y}",
        "f'}'",
        "del 1",
        "x, = 1,",
        "print(",
        "min()",
    ];
    let deep = [
        format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("{}x", "not ".repeat(10_000)),
        format!("{}x", "-".repeat(10_000)),
        format!("1{}", " + 1".repeat(10_000)),
        format!("a{}", ".b".repeat(10_000)),
        format!("a{}", " or a".repeat(10_000)),
        format!("{}x", "[".repeat(10_000)),
        (0..2_000)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect::<String>(),
        format!("${{{}x}}", "(".repeat(10_000)),
        format!("${{{}x}}", "!".repeat(10_000)),
    ];
    for s in samples
        .iter()
        .copied()
        .chain(deep.iter().map(String::as_str))
    {
        for kind in [ExprKind::Script, ExprKind::Condition] {
            let _ = e.compile_in(s, kind, Dialect::Python);
            let _ = e.compile_in(s, kind, Dialect::Juel);
        }
    }
}

#[test]
fn functions_defined_in_a_script() {
    let src = "
def double(x):
    return x * 2

def greet(name, greeting='Hello'):
    return f'{greeting}, {name}!'

def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)

def is_even(n):
    return True if n == 0 else is_odd(n - 1)

def is_odd(n):
    return False if n == 0 else is_even(n - 1)

def scaled(v):
    total = v * factor
    return total

def nothing():
    pass

a = double(21)
b = greet('Ada')
c = greet(greeting='Hi', name='Bob')
d = fact(10)
e = is_even(10)
factor = 3
f = scaled(2)
factor = 5
g = scaled(2)
h = nothing()
";
    let out = run(src, json!({"total": "kept"}));
    assert_eq!(
        out,
        json!({
            "total": "kept", "a": 42, "b": "Hello, Ada!", "c": "Hi, Bob!", "d": 3628800,
            "e": true, "factor": 5, "f": 6, "g": 10, "h": null
        })
    );
    // `global` writes the script's variable; functions never reach the data.
    let out = run(
        "def bump():\n    global count\n    count += 1\nbump()\nbump()",
        json!({"count": 1, "bump": "old"}),
    );
    assert_eq!(out, json!({"count": 3}));
    // A local read before assignment is an error, not the global.
    let e = run_err("def f():\n    y = x\n    x = 1\nf()", json!({"x": 1}));
    assert!(e.contains("UnboundLocalError"), "{e}");
    // Mutating a global list from a function.
    assert_eq!(
        run(
            "def add(v):\n    items.append(v)\nadd(1)\nadd(2)",
            json!({"items": []})
        ),
        json!({"items": [1, 2]})
    );
}

#[test]
fn del_vars_and_globals() {
    let e = run_err("x = 1\ndel x\ndel x", json!({}));
    assert!(e.contains("NameError: name 'x' is not defined"), "{e}");
    assert!(run_err("del nope", json!({})).contains("NameError"));
    assert_eq!(
        run(
            "a = 'x' in vars()\nb = 'y' in globals()\nc = 'zz' not in locals()\nd = vars().get('zz', 5)\ne = globals().get('x')\ndel x\nf = 'x' in vars()",
            json!({"x": 1})
        ),
        json!({"a": true, "b": false, "c": true, "d": 5, "e": 1, "f": false})
    );
    assert_eq!(
        run(
            "def f(p):\n    q = 1\n    return ['p' in locals(), 'q' in vars(), 'x' in locals(), 'x' in globals(), 'y' in globals()]\nr = f(0)",
            json!({"x": 1})
        ),
        json!({"x": 1, "r": [true, true, false, true, false]})
    );
}

#[test]
fn imports_of_pure_modules() {
    let out = run(
        "
import math
import json as j
from math import floor, pi
from decimal import Decimal, ROUND_HALF_UP
a = math.sqrt(16) + floor(2.7)
b = round(pi * 100)
c = j.dumps({'k': [1, 2.5, None, True], 'é': 'x'})
d = j.loads('{\"a\": [1, 2]}')['a']
e = Decimal('1.10') + Decimal('2.205')
f = (Decimal('2.675')).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
g = str(Decimal(1) / Decimal(3))
h = math.ceil(-0.5)
i = json_ok = j.dumps([1], indent=2)
",
        json!({}),
    );
    assert_eq!(out["a"], json!(6.0));
    assert_eq!(out["b"], json!(314));
    assert_eq!(
        out["c"],
        json!("{\"k\": [1, 2.5, null, true], \"\\u00e9\": \"x\"}")
    );
    assert_eq!(out["d"], json!([1, 2]));
    assert_eq!(out["e"], json!({"value": "3.305", "typename": "Decimal"}));
    assert_eq!(out["f"], json!({"value": "2.68", "typename": "Decimal"}));
    assert_eq!(out["g"], json!("0.3333333333333333333333333333"));
    assert_eq!(out["h"], json!(0));
    assert_eq!(out["i"], json!("[\n  1\n]"));
    assert!(out.get("math").is_none() && out.get("j").is_none());
}

#[test]
fn datetime_values() {
    let out = run(
        "
import datetime
from datetime import timedelta, date
start = datetime.datetime(2024, 1, 30, 9, 30)
due = start + timedelta(days=2, hours=1)
d = date(2024, 2, 28) + timedelta(days=1)
gap = (due - start).total_seconds()
iso = due.isoformat()
txt = due.strftime('%d.%m.%Y %H:%M')
parsed = datetime.datetime.strptime('2024-03-01 10:00', '%Y-%m-%d %H:%M')
later = parsed > start
wd = d.weekday()
y = due.year
s = str(due - start)
",
        json!({}),
    );
    assert_eq!(
        out["due"],
        json!({"value": "2024-02-01T10:30:00", "typename": "datetime"})
    );
    assert_eq!(out["d"], json!({"value": "2024-02-29", "typename": "date"}));
    assert_eq!(out["gap"], json!(176400.0));
    assert_eq!(out["iso"], json!("2024-02-01T10:30:00"));
    assert_eq!(out["txt"], json!("01.02.2024 10:30"));
    assert_eq!(out["later"], json!(true));
    assert_eq!(out["wd"], json!(3));
    assert_eq!(out["y"], json!(2024));
    assert_eq!(out["s"], json!("2 days, 1:00:00"));
    // A later script gets the values back, as SpiffWorkflow's do.
    let next = run(
        "nxt = due + datetime.timedelta(days=1)\nn = nxt.day\nsame = d == datetime.date(2024, 2, 29)",
        out,
    );
    assert_eq!(next["n"], json!(2));
    assert_eq!(next["same"], json!(true));
    // `now` reads the clock the engine sets.
    let _g = super::ScriptNow::set(Some("2025-06-01T12:00:00Z".parse().unwrap()));
    assert_eq!(
        run(
            "import time\nnow = datetime.datetime.now().isoformat()\nt = time.time()\ntoday = str(datetime.date.today())",
            json!({})
        ),
        json!({"now": "2025-06-01T12:00:00", "t": 1748779200.0, "today": "2025-06-01"})
    );
}
