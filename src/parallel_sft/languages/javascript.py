"""JavaScript on Node.js (CommonJS scripts).

``node --check`` parses without running. V8 sizes its old-space heap itself, so the run
passes ``--max-old-space-size`` with the memory limit.

Function problems: the candidate writes a plain function declaration (MultiPL-E's shape),
`function name(a, b) { ... }`, under a JSDoc comment with the types: `number` for int and
float, `boolean`, `string`, `null`, `Array<T>`, tuples as arrays (`[string, number]`), dicts
as plain objects (`Object<string, T>`; a `Map` is taken too), `T | null` for Optional
(`undefined` counts as null in a result).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .base import Language
from .entry import parse, text
from .functions import FunctionSupport
from .types import Signature, Type

# The test driver (see functions.py for the protocol). It captures every builtin it uses,
# and reads the token, before the candidate's code exists as a function: later patches of
# JSON, Object, Array.prototype, fs or Reflect do not reach it, and process.binding (the
# raw fs binding under fs.writeSync) is locked. The candidate's code is compiled by
# vm.compileFunction as a function body of its own, so it cannot close the driver's braces
# and run first; a syntax error there is the driver's `compile` report. `module` is a fresh
# object (a `require.main === module` block does not run). Results are serialised by
# type, field by field through property descriptors: an accessor, a Proxy, a class
# instance, an Array subclass or a toJSON/valueOf/toString hook is never consulted.
DRIVER = """\
"use strict";
(function () {
  const fs = require("fs"), vm = require("vm"), util = require("util");
  const writeSync = fs.writeSync, compileFunction = vm.compileFunction;
  const isProxy = util.types.isProxy, apply = Reflect.apply, stringify = JSON.stringify;
  const getProto = Object.getPrototypeOf, keysOf = Object.keys, hasOwn = Object.hasOwn;
  const descriptor = Object.getOwnPropertyDescriptor, isArray = Array.isArray;
  const isInteger = Number.isInteger, isSafe = Number.isSafeInteger, same = Object.is;
  const toStr = String, toBig = BigInt, slice = String.prototype.slice;
  const objectProto = Object.prototype, arrayProto = Array.prototype;
  const mapProto = Map.prototype, mapEach = Map.prototype.forEach;
  const reallyExit = process.reallyExit;
  const input = fs.readFileSync(0, "utf8");
  const token = input.slice(0, (input + "\\n").indexOf("\\n")).trim();
  try {
    Object.defineProperty(process, "binding", { value: function binding() {
      throw new Error("process.binding is not available"); }, writable: false,
      configurable: false });
  } catch (err) { /* already locked */ }

  function report(line) {
    const text = "\\n" + token + " " + line + "\\n";  // after a candidate's unended print
    for (;;) {
      try { writeSync(1, text); return; } catch (err) {
        if (!(err && err.code === "EAGAIN")) throw err;
      }
    }
  }
  function clip(message) {
    return stringify(message.length > 300 ? apply(slice, message, [0, 300]) : message);
  }
  function describe(err) {
    try { return typeof err === "string" ? err : toStr(err); } catch (e) { return "an exception"; }
  }
  function number(x, float) {
    if (x !== x) return "NaN";
    if (x === Infinity || x === -Infinity) return x > 0 ? "Infinity" : "-Infinity";
    if (!isInteger(x)) return toStr(x);
    if (!float) return isSafe(x) ? toStr(x) : toStr(toBig(x));
    if (same(x, -0)) return "-0.0";
    return x < 1e21 && x > -1e21 ? toStr(x) + ".0" : toStr(x);
  }
  function own(value, key) {
    const found = descriptor(value, key);
    if (found === undefined) throw "returned a sparse array";
    if (!hasOwn(found, "value")) throw "returned an object with a getter for " + key;
    return found.value;
  }
  function className(value) {
    const proto = getProto(value);
    if (proto === null || isProxy(proto)) return "object";
    const ctor = descriptor(proto, "constructor");
    const name = ctor && hasOwn(ctor, "value") && typeof ctor.value === "function"
      ? descriptor(ctor.value, "name") : undefined;
    return name && typeof name.value === "string" ? name.value : "object";
  }
  // `value` as canonical JSON for type `t` (["int"], ["list", T], ["tuple", A, B],
  // ["dict", K, V], ["optional", T]; null: whatever plain value it is, for the host to
  // reject as a wrong answer).
  function json(value, t) {
    const kind = t === null ? "" : t[0];
    if (kind === "optional") return value == null ? "null" : json(value, t[1]);
    if (value === null || value === undefined) return "null";
    const type = typeof value;
    if (type === "boolean") return value ? "true" : "false";
    if (type === "string") return stringify(value);
    if (type === "bigint") return toStr(value);
    if (type === "number") return number(value, kind === "float");
    if (type !== "object") throw "returned a " + type + ", not a value of the signature";
    if (isProxy(value)) throw "returned a Proxy, not a value of the signature";
    const proto = getProto(value);
    if (isArray(value) && proto === arrayProto) {
      const n = value.length, tuple = kind === "tuple" && n === t.length - 1;
      let out = "[";
      for (let i = 0; i < n; i++) {
        const item = kind === "list" ? t[1] : tuple ? t[i + 1] : null;
        out += (i ? ", " : "") + json(own(value, i), item);
      }
      return out + "]";
    }
    const item = kind === "dict" ? t[2] : null;
    let out = "{", first = true;
    const pair = function (key, entry) {
      out += (first ? "" : ", ") + stringify(key) + ": " + json(entry, item);
      first = false;
    };
    if (proto === objectProto || proto === null) {
      const keys = keysOf(value);
      for (let i = 0; i < keys.length; i++) pair(keys[i], own(value, keys[i]));
      return out + "}";
    }
    if (proto === mapProto && !isArray(value)) {
      apply(mapEach, value, [function (entry, key) {
        if (typeof key === "number" && isInteger(key)) key = number(key, false);
        else if (typeof key === "bigint") key = toStr(key);
        else if (typeof key !== "string") throw "returned a Map with a " + typeof key + " key";
        pair(key, entry);
      }]);
      return out + "}";
    }
    throw "returned a " + className(value) + ", not a value of the signature";
  }

  const fakeExports = {}, fakeModule = { exports: fakeExports };
  let load;
  try {
    const body = SOURCE + "\\n;return typeof ENTRY === \\"function\\" ? ENTRY : undefined;";
    load = compileFunction(body, ["module", "exports", "require"], { filename: "main.js" });
  } catch (err) {
    const where = typeof err.stack === "string" ? err.stack.split("\\n")[0] : "main.js";
    report("compile " + clip(describe(err) + " (" + where + ")"));
    return;
  }
  let entry;
  try {
    entry = apply(load, fakeExports, [fakeModule, fakeExports, require]);
    const exported = fakeModule.exports;
    if (typeof entry !== "function" && typeof exported === "function") entry = exported;
    if (typeof entry !== "function" && exported && typeof exported.ENTRY === "function") {
      entry = exported.ENTRY;
    }
    if (typeof entry !== "function") throw "no function ENTRY is defined";
  } catch (err) {
    const why = clip("loading the program: " + describe(err));
    for (let i = 0; i < CALLS.length; i++) report(i + " error " + why);
    report("done");
    apply(reallyExit, process, [0]);
    return;
  }
  for (let i = 0; i < CALLS.length; i++) {
    let line;
    try {
      line = i + " ok " + json(apply(entry, undefined, CALLS[i]()), RETURNS);
    } catch (err) {
      line = i + " error " + clip(describe(err));
    }
    report(line);
  }
  report("done");
  apply(reallyExit, process, [0]);
})();
"""

# Reserved words (and names strict mode refuses) that a Python identifier may be.
_RESERVED = frozenset(
    "arguments await break case catch class const continue debugger default delete do else "
    "enum eval export extends false finally for function if implements import in instanceof "
    "interface let new null package private protected public return static super switch "
    "this throw true try typeof undefined var void while with yield".split()
)
_UNSAFE = re.compile("[\u2028\u2029\ud800-\udfff]")


def _string(value: str, ascii_only: bool = False) -> str:
    """A JavaScript string literal: JSON's, with lone surrogates and U+2028/9 escaped."""
    quoted = json.dumps(value, ensure_ascii=ascii_only)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _descriptor(t: Type) -> list[Any]:
    """`t` as the driver's type descriptor (["list", ["int"]])."""
    return [t.name, *(_descriptor(a) for a in t.args)]


class JavaScriptFunctions(FunctionSupport):
    def type_name(self, t: Type) -> str:
        if t.name in ("int", "float"):
            return "number"
        if t.name in ("bool", "str", "None"):
            return {"bool": "boolean", "str": "string", "None": "null"}[t.name]
        if t.name == "optional":
            return f"{self.type_name(t.args[0])} | null"
        if t.name == "list":
            return f"Array<{self.type_name(t.args[0])}>"
        if t.name == "tuple":
            return "[" + ", ".join(self.type_name(a) for a in t.args) + "]"
        if t.name == "dict":
            return f"Object<{self.type_name(t.args[0])}, {self.type_name(t.args[1])}>"
        raise ValueError(f"no JavaScript type for {t}")

    def literal(self, value: Any, t: Type) -> str:
        if value is None:
            return "null"
        if t.name == "optional":
            return self.literal(value, t.args[0])
        if t.name == "float":
            value = float(value)
            if math.isnan(value):
                return "NaN"
            return repr(value) if math.isfinite(value) else ("-" * (value < 0)) + "Infinity"
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "int":
            if abs(int(value)) > 2**53 - 1:  # a number would round it: 2**53 + 1 is 2**53
                raise ValueError(f"{value} is beyond JavaScript's exact integers (2^53)")
            return str(int(value))
        if t.name == "str":
            return _string(value)
        if t.name in ("list", "tuple"):
            items = t.args * len(value) if t.name == "list" else t.args
            return (
                "[" + ", ".join(self.literal(v, a) for v, a in zip(value, items, strict=True)) + "]"
            )
        if t.name == "dict":
            pairs = []
            for k, v in value.items():
                key = _string(str(k))
                key = f"[{key}]" if str(k) == "__proto__" else key  # a key, not the prototype
                pairs.append(f"{key}: {self.literal(v, t.args[1])}")
            return "{" + ", ".join(pairs) + "}"
        raise ValueError(f"no JavaScript literal for {t}")

    def header(self, sig: Signature, doc: str) -> str:
        names = [_param(name) for name, _ in sig.params]
        lines = [f" * {line}".rstrip() for line in doc.strip().splitlines()]
        lines += [f" * @param {{{self.type_name(t)}}} {_param(n)}" for n, t in sig.params]
        lines.append(f" * @returns {{{self.type_name(sig.returns)}}}")
        body = "\n".join(lines)
        return f"/**\n{body}\n */\nfunction {sig.name}({', '.join(names)}) {{\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        types = [t for _, t in sig.params]
        rows = [
            "() => ["
            + ", ".join(self.literal(v, t) for v, t in zip(args, types, strict=True))
            + "]"
            for args in calls
        ]
        head = (
            f"const SOURCE = {_string(without_top_level_calls(code), ascii_only=True)};\n"
            f"const RETURNS = {json.dumps(_descriptor(sig.returns))};\n"
            "const CALLS = [\n" + "".join(f"  {r},\n" for r in rows) + "];\n"
        )
        body = DRIVER.replace("ENTRY", sig.name)
        return body.replace('"use strict";\n', '"use strict";\n' + head, 1)

    def unsupported(self, sig: Signature) -> str | None:
        if sig.name in _RESERVED:
            return f"{sig.name} is a reserved word in JavaScript"
        for t in [sig.returns, *(t for _, t in sig.params)]:
            if reason := _unsupported_type(t):
                return reason
        return None


def _unsupported_type(t: Type) -> str | None:
    if t.name == "dict" and t.args[0].name not in ("str", "int"):
        return f"object keys are strings or integers, not {t.args[0]}"
    return next((r for r in map(_unsupported_type, t.args) if r), None)


def _param(name: str) -> str:
    return name + "_" if name in _RESERVED else name


def without_top_level_calls(code: str) -> str:
    """`code` without what a model writes around a function to try it: top-level
    expression statements other than assignments and directives (`console.log(f(3));`),
    `if (require.main === module)` blocks, a `#!` line; `export` is dropped from exported
    declarations (the driver is CommonJS). Code with a syntax error is left as it is.

    >>> without_top_level_calls("function f() { return 1; }\\nconsole.log(f());\\nX = 2;\\n")
    'function f() { return 1; }\\n\\nX = 2;\\n'
    """
    root = parse(code, "javascript")
    if root is None or root.has_error:
        return code
    data = code.encode()
    edits: list[tuple[int, int, bytes]] = []
    for node in root.children:
        keep = None
        if node.type == "hash_bang_line":
            keep = b""
        elif node.type == "expression_statement":
            expression = node.named_children[0] if node.named_children else None
            kinds = ("assignment_expression", "augmented_assignment_expression", "string")
            keep = None if expression is None or expression.type in kinds else b""
        elif node.type == "if_statement":
            condition = text(node.child_by_field_name("condition"))
            keep = b"" if "require.main" in condition or "module" in condition else None
        elif node.type == "export_statement":
            declaration = node.child_by_field_name("declaration")
            keep = b"" if declaration is None else declaration.text
        if keep is not None:
            edits.append((node.start_byte, node.end_byte, keep))
    for start, end, replacement in reversed(edits):
        data = data[:start] + replacement + data[end:]
    return data.decode()


LANGUAGE = Language(
    name="javascript",
    compile_s=0.03,
    start_s=0.041,
    display="JavaScript",
    aliases=("js", "node", "nodejs"),
    source_file="main.js",
    compile=("node", "--check", "{src}"),
    compiled=False,
    run=("node", "--max-old-space-size={memory_mb}", "{src}"),
    rlimit_as=False,
    tools=("node",),
    debian_packages=("nodejs",),
    grammar="javascript",
    fence_tags=("JavaScript", "javascript", "jsx"),
    memory_overhead_mb=64,
    oom_markers=("JavaScript heap out of memory", "Allocation failed"),
    conventions=(
        "Node.js 20, CommonJS: read all of stdin with "
        "`require('fs').readFileSync(0, 'utf8')`, write with console.log or "
        "process.stdout.write. No npm packages."
    ),
    example=(
        "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
        "console.log((a + b).toString());\n"
    ),
    functions=JavaScriptFunctions(),
)
