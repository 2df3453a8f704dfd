"""C function problems: how the signature's types are written in C, and the test driver.

A candidate writes the function the header shows, in plain C17: int is `long long`, float
`double`, bool `bool`, str a NUL-terminated UTF-8 `const char *`; a list, tuple, dict or
Optional a typedef'd struct named after its type, passed and returned by value:
`list_int {long long *items; size_t len;}`, `tuple2_str_int {f0; f1;}`, `dict_str_float
{dict_str_float_item *items; size_t len;}` with `{key; value;}` items, `opt_int {bool
has_value; long long value;}`; None as a return type is `void`. What it returns may be
malloc'd (never freed: the call's process ends). The header's typedefs carry include guards,
so a candidate that copies them compiles; its own typedef of one of those names, and its
`main`, are cut (tree-sitter), and `#define main` catches a `main` the cut missed.

unsupported(): None as a parameter or inside a container, dict keys other than int and str.
An int test value outside `long long` makes the driver an `#error` (a COMPILE_ERROR).
"""

from __future__ import annotations

import math
import re
from typing import Any

from .functions import FunctionSupport
from .types import Signature, Type

# The test driver (see functions.py for the protocol), around the candidate's code. The
# prelude (typedefs, the function's prototype) and the driver come first and the candidate
# last, so its macros cannot reach the driver; the driver's helpers are static and it calls
# no libc function on the way out (the token is read and lines written with raw syscalls,
# numbers and strings are formatted by its own code), so a candidate that defines `write`,
# `printf` or `snprintf` changes nothing. Each call runs in a fork()ed child that
# serialises the result, type by type from the signature, into a pipe; the parent checks
# that the child exited normally after one well-formed line and writes it with the token,
# else `error` with how the child ended (a crash fails that test only).
DRIVER = r"""
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stdint.h>
#include <sys/syscall.h>
#if !defined(__x86_64__)
#include <unistd.h>
#endif
extern int fork(void);

static long psft_sys(long n, long a, long b, long c, long d, long e, long f) {
#if defined(__x86_64__)
    long r;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                     "r"(r9) : "rcx", "r11", "memory");
    return r;
#else
    return syscall(n, a, b, c, d, e, f);
#endif
}

typedef struct { char *data; size_t len, cap; const char *error; } psft_buf;

static void psft_quit(int code) {
    for (;;) psft_sys(SYS_exit_group, code, 0, 0, 0, 0, 0);
}

static void psft_put(psft_buf *b, const char *s, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + n) cap *= 2;
        long p = b->data ? psft_sys(SYS_mremap, (long)b->data, (long)b->cap, (long)cap, 1, 0, 0)
                         : psft_sys(SYS_mmap, 0, (long)cap, 3, 0x22, -1, 0);
        if (p < 0 && p > -4096) psft_quit(3);
        b->data = (char *)p;
        b->cap = cap;
    }
    for (size_t i = 0; i < n; i++) b->data[b->len + i] = s[i];
    b->len += n;
}

static void psft_puts(psft_buf *b, const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    psft_put(b, s, n);
}

static void psft_fail(psft_buf *b, const char *why) {
    if (!b->error) b->error = why;
}

static void psft_put_int(psft_buf *b, long long v) {
    char d[24];
    int n = 24;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do d[--n] = (char)('0' + u % 10); while (u /= 10);
    if (v < 0) d[--n] = '-';
    psft_put(b, d + n, (size_t)(24 - n));
}

static void psft_put_bool(psft_buf *b, bool v) { psft_puts(b, v ? "true" : "false"); }

/* 17 significant digits, correctly rounded from the exact binary value (a bignum). */
static void psft_put_float(psft_buf *b, double x) {
    union { double d; uint64_t u; } bits = { x };
    uint64_t m = bits.u & 0xfffffffffffffULL;
    int e = (int)((bits.u >> 52) & 0x7ff), neg = (int)(bits.u >> 63);
    if (e == 0x7ff) { psft_puts(b, m ? "NaN" : neg ? "-Infinity" : "Infinity"); return; }
    if (neg) psft_puts(b, "-");
    if (e == 0 && m == 0) { psft_puts(b, "0.0"); return; }
    if (e) m |= 1ULL << 52; else e = 1;
    e -= 1075; /* x = m * 2^e = n * 10^scale */
    uint32_t n[130];
    int len = 0, scale = e < 0 ? e : 0;
    while (m) { n[len++] = (uint32_t)(m % 1000000000u); m /= 1000000000u; }
    for (int k = e < 0 ? -e : e; k > 0; k -= 13) {
        uint64_t f = 1, carry = 0;
        for (int i = 0; i < (k < 13 ? k : 13); i++) f *= e < 0 ? 5 : 2;
        for (int i = 0; i < len; i++) {
            uint64_t t = n[i] * f + carry;
            n[i] = (uint32_t)(t % 1000000000u);
            carry = t / 1000000000u;
        }
        while (carry) { n[len++] = (uint32_t)(carry % 1000000000u); carry /= 1000000000u; }
    }
    char d[1200], top[10];
    int nd = 0, t = 0;
    for (uint32_t v = n[len - 1]; v; v /= 10) top[t++] = (char)('0' + v % 10);
    while (t) d[nd++] = top[--t];
    for (int i = len - 2; i >= 0; i--, nd += 9)
        for (int j = 8, v = (int)n[i]; j >= 0; j--, v /= 10) d[nd + j] = (char)('0' + v % 10);
    int exp10 = scale + nd - 1;
    if (nd > 17) {
        int i = 16, up = d[17] >= '5';
        nd = 17;
        while (up && i >= 0 && d[i] == '9') d[i--] = '0';
        if (up && i < 0) { d[0] = '1'; exp10++; } else if (up) d[i]++;
    }
    while (nd > 1 && d[nd - 1] == '0') nd--;
    if (exp10 < -5 || exp10 >= 17) {
        psft_put(b, d, 1);
        psft_puts(b, ".");
        if (nd > 1) psft_put(b, d + 1, (size_t)(nd - 1)); else psft_puts(b, "0");
        psft_puts(b, "e");
        psft_put_int(b, exp10);
    } else if (exp10 < 0) {
        psft_puts(b, "0.");
        for (int i = -1; i > exp10; i--) psft_puts(b, "0");
        psft_put(b, d, (size_t)nd);
    } else {
        for (int i = 0; i <= exp10; i++) psft_put(b, i < nd ? d + i : "0", 1);
        psft_puts(b, ".");
        if (nd > exp10 + 1) psft_put(b, d + exp10 + 1, (size_t)(nd - exp10 - 1));
        else psft_puts(b, "0");
    }
}

static int psft_utf8(const unsigned char *s, int *size) {
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (c < 0xc2 || c > 0xf4) return 0;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    for (int i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
        if (s[i] < lo || s[i] > hi) return 0;
    *size = n;
    return 1;
}

static void psft_put_str(psft_buf *b, const char *v) {
    static const char hex[] = "0123456789abcdef";
    if (!v) { psft_fail(b, "returned NULL for a str"); return; }
    const unsigned char *s = (const unsigned char *)v;
    psft_puts(b, "\"");
    while (*s) {
        int size = 1;
        if (*s == '"' || *s == '\\') { psft_puts(b, *s == '"' ? "\\\"" : "\\\\"); }
        else if (*s < 0x20) {
            char u[6] = {'\\', 'u', '0', '0', hex[*s >> 4], hex[*s & 15]};
            psft_put(b, u, 6);
        }
        else if (*s < 0x80) psft_put(b, (const char *)s, 1);
        else if (psft_utf8(s, &size)) psft_put(b, (const char *)s, (size_t)size);
        else { psft_fail(b, "returned a str that is not UTF-8"); return; }
        s += size;
    }
    psft_puts(b, "\"");
}

static int psft_same_str(const char *a, const char *b) {
    if (!a || !b) return a == b;
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static int psft_same_int(long long a, long long b) { return a == b; }

static void psft_put_key_str(psft_buf *b, const char *v) { psft_put_str(b, v); }

static void psft_put_key_int(psft_buf *b, long long v) {
    psft_puts(b, "\"");
    psft_put_int(b, v);
    psft_puts(b, "\"");
}

static void psft_write(const char *s, size_t n) {
    while (n) {
        long r = psft_sys(SYS_write, 1, (long)s, (long)n, 0, 0, 0);
        if (r == -4) continue;
        if (r <= 0) psft_quit(2);
        s += r;
        n -= (size_t)r;
    }
}

static char psft_token[130];
static size_t psft_token_len;

/* Read in .preinit_array: before any constructor, the candidate's included. */
static void psft_read_token(void) {
    char c;
    while (psft_token_len < 128 && psft_sys(SYS_read, 0, (long)&c, 1, 0, 0, 0) == 1 && c != '\n')
        if (c != '\r' && c != ' ') psft_token[psft_token_len++] = c;
    psft_token[psft_token_len++] = ' ';
}
__attribute__((section(".preinit_array"), used))
static void (*psft_preinit)(void) = psft_read_token;

static void psft_report(psft_buf *line, int index, const char *rest, size_t n) {
    line->len = 0;
    psft_put(line, psft_token, psft_token_len);
    if (index >= 0) {
        psft_put_int(line, index);
        psft_puts(line, " ");
    }
    psft_put(line, rest, n);
    psft_write(line->data, line->len);
}

static const char *psft_signal(int sig) {
    switch (sig) {
    case 4: return " (SIGILL)";
    case 6: return " (SIGABRT)";
    case 7: return " (SIGBUS)";
    case 8: return " (SIGFPE)";
    case 9: return " (SIGKILL)";
    case 11: return " (SIGSEGV)";
    case 24: return " (SIGXCPU)";
    default: return "";
    }
}

static int psft_starts(const psft_buf *b, const char *s) {
    for (size_t i = 0; s[i]; i++)
        if (i >= b->len || b->data[i] != s[i]) return 0;
    return 1;
}

/* the calls and the result's serialisers */
@CALLS@
int main(void) {
    psft_buf in = {0}, line = {0};
    for (int index = 0; index < PSFT_CALLS; index++) {
        int fds[2], status = 0;
        if (psft_sys(SYS_pipe2, (long)fds, 0, 0, 0, 0, 0) != 0) psft_quit(2);
        int pid = fork();
        if (pid == 0) {
            psft_buf out = {0};
            psft_sys(SYS_close, fds[0], 0, 0, 0, 0, 0);
            psft_puts(&out, "ok ");
            psft_call(index, &out);
            if (out.error) {
                out.len = 0;
                psft_puts(&out, "error ");
                psft_put_str(&out, out.error);
            }
            psft_puts(&out, "\n");
            for (size_t at = 0; at < out.len;) {
                long r = psft_sys(SYS_write, fds[1], (long)(out.data + at), (long)(out.len - at),
                                  0, 0, 0);
                if (r <= 0 && r != -4) psft_quit(2);
                if (r > 0) at += (size_t)r;
            }
            psft_quit(0);
        }
        psft_sys(SYS_close, fds[1], 0, 0, 0, 0, 0);
        if (pid < 0) psft_quit(2);
        in.len = 0;
        for (;;) {
            char chunk[65536];
            long r = psft_sys(SYS_read, fds[0], (long)chunk, sizeof chunk, 0, 0, 0);
            if (r == -4) continue;
            if (r <= 0) break;
            psft_put(&in, chunk, (size_t)r);
        }
        psft_sys(SYS_close, fds[0], 0, 0, 0, 0, 0);
        while (psft_sys(SYS_wait4, pid, (long)&status, 0, 0, 0, 0) == -4) {}
        size_t newlines = 0;
        for (size_t i = 0; i < in.len; i++) newlines += in.data[i] == '\n';
        int well_formed = newlines == 1 && in.data[in.len - 1] == '\n'
            && (psft_starts(&in, "ok ") || psft_starts(&in, "error \""));
        if ((status & 0x7f) == 0 && (status >> 8) == 0 && well_formed) {
            psft_report(&line, index, in.data, in.len);
            continue;
        }
        psft_buf why = {0};
        if ((status & 0x7f) != 0) {
            psft_puts(&why, "error \"killed by signal ");
            psft_put_int(&why, status & 0x7f);
            psft_puts(&why, psft_signal(status & 0x7f));
        } else if ((status >> 8) != 0) {
            psft_puts(&why, "error \"the call ended the process with exit code ");
            psft_put_int(&why, (status >> 8) & 0xff);
        } else if (in.len == 0) {
            psft_puts(&why, "error \"the call ended the process (exit code 0) before returning");
        } else {
            psft_puts(&why, "error \"the call wrote to the driver's pipe");
        }
        psft_puts(&why, "\"\n");
        psft_report(&line, index, why.data, why.len);
        psft_sys(SYS_munmap, (long)why.data, (long)why.cap, 0, 0, 0, 0);
    }
    psft_report(&line, -1, "done\n", 5);
    psft_quit(0);
}
#pragma GCC diagnostic pop
"""

KINDS = {
    "list": "list_T: `T *items; size_t len;`",
    "tuple": "tupleN_A_B...: fields `f0, f1, ...` in order",
    "dict": "dict_K_V: `dict_K_V_item *items; size_t len;`, each item `K key; V value;` "
    "(no key twice)",
    "optional": "opt_T: `bool has_value; T value;` (None: has_value false)",
}
SCALAR_C = {"int": "long long", "float": "double", "bool": "bool", "str": "const char *"}


class CFunctions(FunctionSupport):
    """int is `long long`, float `double`, bool `bool`, str a NUL-terminated UTF-8 `const
    char *`; each composite type a typedef'd struct named after the type (`list_int`,
    `tuple2_str_int`, `dict_str_float`, `opt_int`), passed and returned by value; None as a
    return type is `void`. What a function returns may be malloc'd: it is never freed."""

    def type_name(self, t: Type) -> str:
        if t.name == "None":
            return "void"
        return SCALAR_C.get(t.name) or _mangle(t)

    def literal(self, value: Any, t: Type) -> str:
        """A C expression (a compound literal for a struct). ValueError for an int out of
        `long long`'s range."""
        text = self._init(value, t, writable=False)
        return f"({self.type_name(t)}){text}" if t.name in KINDS else text

    def _init(self, value: Any, t: Type, *, writable: bool) -> str:
        """`value` as an initializer (braces for a struct); strings writable for the
        driver's arguments."""
        if t.name == "None":
            return "((void)0)"
        if t.name == "optional":
            if value is None:
                return "{ .has_value = false }"
            return f"{{ .has_value = true, .value = {self._init(value, t.args[0], writable=writable)} }}"  # noqa: E501
        if t.name == "bool":
            return "true" if value else "false"
        if t.name == "int":
            if not -(2**63) <= value < 2**63:
                raise ValueError(f"{value} does not fit a C long long")
            return "(-9223372036854775807LL - 1)" if value == -(2**63) else f"{value}LL"
        if t.name == "float":
            value = float(value)
            if math.isnan(value):
                return '__builtin_nan("")'
            if math.isinf(value):
                return "__builtin_inf()" if value > 0 else "(-__builtin_inf())"
            return repr(value)
        if t.name == "str":
            quoted = _c_string(value)
            return f"(char[]){{{quoted}}}" if writable else quoted
        if t.name == "tuple":
            fields = [f".f{i} = {self._init(v, a, writable=writable)}"
                      for i, (v, a) in enumerate(zip(value, t.args, strict=True))]  # fmt: skip
            return "{ " + ", ".join(fields) + " }"
        if t.name == "list":
            items = [self._init(v, t.args[0], writable=writable) for v in value]
            return self._array(self.type_name(t.args[0]), items)
        if t.name == "dict":
            key, item = t.args
            pairs = [f"{{ .key = {self._init(int(k) if key.name == 'int' else k, key, writable=writable)}, "  # noqa: E501
                     f".value = {self._init(v, item, writable=writable)} }}"
                     for k, v in value.items()]  # fmt: skip
            return self._array(_mangle(t) + "_item", pairs)
        raise ValueError(f"no C literal for {t}")

    @staticmethod
    def _array(item_type: str, items: list[str]) -> str:
        # An empty list still points somewhere: memcpy(dst, items, 0) is fine under UBSan.
        return f"{{ .items = ({item_type}[]){{{', '.join(items)}}}, .len = {len(items)} }}"

    def typedefs(self, sig: Signature) -> str:
        """The typedefs `sig` needs, innermost first, each in an include guard (so a
        candidate that copies them from the header compiles)."""
        done: dict[str, str] = {}
        for _, t in sig.params:
            self._typedef(t, done)
        self._typedef(sig.returns, done)
        return "".join(done.values())

    def _typedef(self, t: Type, done: dict[str, str]) -> None:
        for a in t.args:
            self._typedef(a, done)
        name = _mangle(t) if t.name in KINDS else ""
        if not name or name in done:
            return
        args = [self.type_name(a) for a in t.args]
        if t.name == "list":
            body = f"typedef struct {{ {_ptr(args[0])}items; size_t len; }} {name};\n"
        elif t.name == "tuple":
            fields = "".join(f"{_decl(a)}f{i}; " for i, a in enumerate(args))
            body = f"typedef struct {{ {fields}}} {name};\n"
        elif t.name == "dict":
            body = (f"typedef struct {{ {_decl(args[0])}key; {_decl(args[1])}value; }} {name}_item;\n"  # noqa: E501
                    f"typedef struct {{ {name}_item *items; size_t len; }} {name};\n")  # fmt: skip
        else:
            body = f"typedef struct {{ bool has_value; {_decl(args[0])}value; }} {name};\n"
        done[name] = f"#ifndef PSFT_TYPE_{name}\n#define PSFT_TYPE_{name}\n{body}#endif\n"

    def prototype(self, sig: Signature) -> str:
        params = ", ".join(f"{_decl(self.type_name(t))}{name}" for name, t in sig.params)
        return f"{_decl(self.type_name(sig.returns))}{sig.name}({params or 'void'})"

    def header(self, sig: Signature, doc: str) -> str:
        kinds = sorted({k for k in KINDS if k in _kinds(sig)})
        notes = ["int is long long, float double, str a NUL-terminated UTF-8 const char *."]
        notes += [KINDS[k] + "." for k in kinds]
        notes.append("What you return may be malloc'd: it is never freed.")
        lines = [*doc.strip().splitlines(), "", *notes]
        comment = "/*\n" + "".join(f" * {line}".rstrip() + "\n" for line in lines) + " */\n"
        includes = "#include <stdbool.h>\n#include <stddef.h>\n\n"
        types = self.typedefs(sig)
        return includes + types + ("\n" if types else "") + comment + self.prototype(sig) + " {\n"

    def driver(self, code: str, sig: Signature, calls: list[list[Any]]) -> str:
        head = "#include <stdbool.h>\n#include <stddef.h>\n" + self.typedefs(sig)
        head += self.prototype(sig) + ";\n"
        try:
            generated = self._calls(sig, calls)
        except ValueError as err:
            return f'#error "{err}"\n'
        candidate = without_main(code, sig.name, set(self._names(sig)))
        return (
            head
            + DRIVER.replace("@CALLS@", generated)
            + '#define main psft_candidate_main\n#line 1 "solution.c"\n'
            + candidate
        )

    def _names(self, sig: Signature) -> list[str]:
        names = [m for m in re.findall(r"\w+", self.typedefs(sig)) if _is_typedef_name(m)]
        return names

    def _calls(self, sig: Signature, calls: list[list[Any]]) -> str:
        out: dict[str, str] = {}
        self._serializer(sig.returns, out)
        lines = [*out.values(), f"#define PSFT_CALLS {len(calls)}\n"]
        cases = []
        for i, args in enumerate(calls):
            names = []
            for j, (value, (_, t)) in enumerate(zip(args, sig.params, strict=True)):
                init = self._init(value, t, writable=True)
                lines.append(f"static {_decl(self.type_name(t))}psft_arg_{i}_{j} = {init};\n")
                names.append(f"psft_arg_{i}_{j}")
            call = f"{sig.name}({', '.join(names)})"
            if sig.returns.name == "None":
                cases.append(f'    case {i}: {call}; psft_puts(b, "null"); break;\n')
            else:
                put = "psft_put_" + _mangle(sig.returns)
                cases.append(f"    case {i}: {put}(b, {call}); break;\n")
        body = "    switch (index) {\n" + "".join(cases) + "    default: break;\n    }\n"
        lines.append(f"static void psft_call(int index, psft_buf *b) {{\n{body}}}\n")
        return "".join(lines)

    def _serializer(self, t: Type, out: dict[str, str]) -> None:
        """psft_put_<type>(b, value) for `t` and its parts, innermost first."""
        for a in t.args:
            self._serializer(a, out)
        name = _mangle(t)
        if t.name not in KINDS or name in out:
            return
        head = f"static void psft_put_{name}(psft_buf *b, {name} v) {{\n"
        if t.name == "optional":
            inner = _mangle(t.args[0])
            body = (
                f'    if (!v.has_value) psft_puts(b, "null"); else psft_put_{inner}(b, v.value);\n'  # noqa: E501
            )
        elif t.name == "tuple":
            parts = [f"    psft_put_{_mangle(a)}(b, v.f{i});\n" for i, a in enumerate(t.args)]
            body = '    psft_puts(b, "[");\n' + '    psft_puts(b, ", ");\n'.join(parts)
            body += '    psft_puts(b, "]");\n'
        else:
            item = "v.items[i]" if t.name == "list" else "v.items[i].value"
            value = _mangle(t.args[-1])
            open_, close = ("[", "]") if t.name == "list" else ("{", "}")
            body = (
                '    if (v.len && !v.items) { psft_fail(b, "returned NULL items with a len"); '
                "return; }\n"
                f'    psft_puts(b, "{open_}");\n'
                "    for (size_t i = 0; i < v.len && !b->error; i++) {\n"
                '        if (i) psft_puts(b, ", ");\n'
            )
            if t.name == "dict":
                key = t.args[0].name
                body += (
                    f"        psft_put_key_{key}(b, v.items[i].key);\n"
                    "        for (size_t j = 0; j < i; j++)\n"
                    f"            if (psft_same_{key}(v.items[i].key, v.items[j].key))\n"
                    '                psft_fail(b, "returned a dict with a key twice");\n'
                    '        psft_puts(b, ": ");\n'
                )
            body += f"        psft_put_{value}(b, {item});\n    }}\n"
            body += f'    psft_puts(b, "{close}");\n'
        out[name] = head + body + "}\n"

    def unsupported(self, sig: Signature) -> str | None:
        for name, t in sig.params:
            if t.name == "None":
                return f"parameter {name} has type None"
        for t in [t for _, t in sig.params] + [sig.returns]:
            reason = _inner_unsupported(t)
            if reason:
                return reason
        return None


def _inner_unsupported(t: Type) -> str | None:
    for a in t.args:
        if a.name == "None":
            return f"None inside {t}"
        reason = _inner_unsupported(a)
        if reason:
            return reason
    if t.name == "dict" and t.args[0].name not in ("int", "str"):
        return f"dict keys of type {t.args[0]} (only int and str keys)"
    return None


def _mangle(t: Type) -> str:
    """The typedef name of `t` (a prefix code: every constructor has a fixed arity)."""
    if not t.args:
        return t.name
    head = {"optional": "opt", "tuple": f"tuple{len(t.args)}"}.get(t.name, t.name)
    return "_".join([head, *(_mangle(a) for a in t.args)])


def _is_typedef_name(word: str) -> bool:
    return bool(re.match(r"(list|dict|opt|tuple\d+)_", word))


def _kinds(sig: Signature) -> set[str]:
    found: set[str] = set()

    def walk(t: Type) -> None:
        found.add(t.name)
        for a in t.args:
            walk(a)

    for _, t in sig.params:
        walk(t)
    walk(sig.returns)
    return found


def _decl(c_type: str) -> str:
    """`c_type` followed by a declarator: "long long x", "const char *x"."""
    return c_type if c_type.endswith("*") else c_type + " "


def _ptr(c_type: str) -> str:
    return c_type + ("*" if c_type.endswith("*") else " *")


def _c_string(text: str) -> str:
    """A C string literal of `text`'s UTF-8 bytes: printable ASCII as itself, the rest as
    three-digit octal escapes (never greedy, unlike \\x)."""
    out = []
    for byte in text.encode("utf-8", "surrogatepass"):
        char = chr(byte)
        if char in '"\\?':
            out.append("\\" + char)
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def without_main(code: str, entry: str, typedefs: set[str]) -> str:
    """`code` without its `main` (a model's try-out) and without its own typedefs of the
    signature's struct names (the driver has them); `static` dropped from the entry
    function's definition (the driver declares it extern). Code that tree-sitter cannot
    read is left as it is (`#define main` keeps a leftover main from clashing)."""
    from .entry import first, kids, parse, text

    root = parse(code, "c")
    if root is None:
        return code
    raw = code.encode()
    cuts: list[tuple[int, int]] = []
    for node in kids(root):
        if node.type == "type_definition":
            names = {text(n) for n in kids(node, "type_identifier")}
            if names and names <= typedefs:
                cuts.append((node.start_byte, node.end_byte))
        if node.type != "function_definition":
            continue
        declarator = node.child_by_field_name("declarator")
        while declarator is not None and declarator.type != "function_declarator":
            declarator = first(declarator, "function_declarator", "pointer_declarator")
        name = declarator.child_by_field_name("declarator") if declarator else None
        if text(name) == "main":
            cuts.append((node.start_byte, node.end_byte))
        elif text(name) == entry:
            cuts += [(n.start_byte, n.end_byte) for n in kids(node, "storage_class_specifier")
                     if text(n) == "static"]  # fmt: skip
    for start, end in sorted(cuts, reverse=True):
        kept = raw[start:end].count(b"\n")  # keep line numbers for the compiler's messages
        raw = raw[:start] + b"\n" * kept + raw[end:]
    return raw.decode()
