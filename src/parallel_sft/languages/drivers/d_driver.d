// ---- the test driver (protocol: parallel_sft/languages/functions.py) ----
// After the candidate's code (a `module` line must come first; D resolves names in any
// order). d.py fills in the generated part: the result's writers and `psftCall` with each
// test's arguments, built afresh in every call. Every name here is qualified through a
// static import, so the candidate's own imports and declarations do not change what it
// means. The token is read, and fd 1 pointed at stderr (the candidate's prints never reach
// the reports, which go to a copy of the real stdout), in .preinit_array: before druntime
// starts and before any module constructor, the candidate's `static this()` included.
static import core.exception;
static import core.stdc.stdio;
static import core.stdc.stdlib;
static import core.sys.posix.unistd;
static import ldc.attributes;
static import std.typecons;

private __gshared char[130] psftToken;
private __gshared size_t psftTokenLength;
private __gshared int psftReports = -1;

extern (C) private void psftReadToken() {
    char c;
    while (psftTokenLength < 128 && core.sys.posix.unistd.read(0, &c, 1) == 1 && c != '\n')
        if (c != '\r' && c != ' ') psftToken[psftTokenLength++] = c;
    psftToken[psftTokenLength++] = ' ';
    psftReports = core.sys.posix.unistd.dup(1);
    core.sys.posix.unistd.dup2(2, 1);
}

@(ldc.attributes.section(".preinit_array"))
private __gshared extern (C) void function() psftPreinit = &psftReadToken;

// A report line, a newline first (a print without one cannot swallow it), flushed: one
// write(2) straight to the saved stdout.
private void psftReport(long index, const(char)[] rest) {
    string line = "\n" ~ psftToken[0 .. psftTokenLength].idup;
    if (index >= 0) psftInt(line, index), line ~= " ";
    line ~= rest ~ "\n";
    for (size_t at = 0; at < line.length;) {
        auto n = core.sys.posix.unistd.write(psftReports, line.ptr + at, line.length - at);
        if (n <= 0) core.stdc.stdlib._Exit(2);
        at += n;
    }
}

private void psftInt(ref string buf, long v) {
    char[24] d;
    size_t n = d.length;
    ulong u = v < 0 ? 0UL - cast(ulong) v : cast(ulong) v;
    do d[--n] = cast(char)('0' + u % 10); while (u /= 10);
    if (v < 0) d[--n] = '-';
    buf ~= d[n .. $];
}

// The shortest digits that read back as the same double (at most 17).
private void psftFloat(ref string buf, double v) {
    if (v != v || v == double.infinity || v == -double.infinity) {
        buf ~= v != v ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        return;
    }
    char[40] d;
    int n;
    for (int digits = 1; digits <= 17; digits++) {
        n = core.stdc.stdio.snprintf(d.ptr, d.length, "%.*g", digits, v);
        if (core.stdc.stdlib.strtod(d.ptr, null) == v) break;
    }
    bool integral = true;
    foreach (c; d[0 .. n]) integral = integral && c != '.' && c != 'e' && c != 'n';
    buf ~= d[0 .. n];
    if (integral) buf ~= ".0";
}

private void psftBool(ref string buf, bool v) { buf ~= v ? "true" : "false"; }

// The length of the UTF-8 sequence at the start of s, or 0 where it is not one.
private size_t psftUtf8(const(char)[] s) {
    ubyte c = s[0], lo = 0x80, hi = 0xbf;
    size_t size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (c < 0xc2 || c > 0xf4 || size > s.length) return 0;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    foreach (i; 1 .. size) {
        if (cast(ubyte) s[i] < lo || cast(ubyte) s[i] > hi) return 0;
        lo = 0x80, hi = 0xbf;
    }
    return size;
}

// `lenient`: a byte that is not UTF-8 becomes '?' (messages), else the result is refused.
private void psftStr(ref string buf, const(char)[] v, bool lenient = false) {
    static immutable hex = "0123456789abcdef";
    buf ~= '"';
    for (size_t i = 0; i < v.length;) {
        ubyte c = v[i];
        size_t size = 1;
        if (c == '"' || c == '\\') {
            buf ~= '\\';
            buf ~= cast(char) c;
        } else if (c < 0x20) {
            buf ~= "\\u00";
            buf ~= hex[c >> 4];
            buf ~= hex[c & 15];
        } else if (c < 0x80) {
            buf ~= cast(char) c;
        } else if ((size = psftUtf8(v[i .. $])) != 0) {
            buf ~= v[i .. i + size];
        } else if (lenient) {
            buf ~= '?';
            size = 1;
        } else {
            throw new Exception("returned a str that is not UTF-8");
        }
        i += size;
    }
    buf ~= '"';
}

private void psftKey(ref string buf, long v) {
    buf ~= '"';
    psftInt(buf, v);
    buf ~= '"';
}

private void psftKey(ref string buf, const(char)[] v) { psftStr(buf, v); }

private string psftDescribe(Throwable e) {
    string text = typeid(e).name;
    if (e.msg.length) text ~= ": " ~ e.msg;
    return text.length > 300 ? text[0 .. 300] : text;
}

@GENERATED@
void main() {
    foreach (index; 0 .. psftCalls) {
        string line = "ok ";
        Throwable fatal;
        try {
            psftCall(index, line);
        } catch (Throwable e) {
            line = "error ";
            psftStr(line, psftDescribe(e), true);
            if (cast(core.exception.OutOfMemoryError) e) fatal = e;
        }
        psftReport(index, line);
        if (fatal) throw fatal;  // druntime's own message: MEMORY_LIMIT
    }
    psftReport(-1, "done");
}
