// The C++ test driver (protocol: languages/functions.py). This part comes before the
// candidate's code, so none of its macros reach it. cpp_functions.py fills in the part
// generated per signature (the writers, `call` with each test's arguments) and appends the
// candidate and `psft::entry`, the one driver function after it (it names the candidate's).
//
// The token is read in .preinit_array, before any constructor (the candidate's global
// objects included). Each call runs in a fork()ed child: it forgets the token, sends the
// candidate's prints to stderr, builds the arguments afresh, calls the function and writes
// the result, serialised by the signature's type with this file's own writers, into a
// pipe. The parent, where no candidate code runs after main starts, checks that the child
// exited normally after one well-formed line and reports it with the token using raw
// syscalls (a candidate's own `write` or `operator new` is never on its path); a crash or
// an exit in one call fails that test only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cxxabi.h>
#include <exception>
#include <limits>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <tuple>
#include <typeinfo>
#include <utility>
#include <vector>
#include <sys/syscall.h>
#include <unistd.h>

namespace psft {

using status = int;
status entry();  // defined after the candidate: `run` with a lambda that calls its function

static long sys(long n, long a, long b, long c, long d = 0, long e = 0, long f = 0) {
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

[[noreturn]] static void quit(int code) {
    for (;;) sys(SYS_exit_group, code, 0, 0);
}

static void write_all(int fd, const char *s, size_t n) {
    while (n) {
        long r = sys(SYS_write, fd, (long)s, (long)n);
        if (r == -4) continue;  // EINTR
        if (r <= 0) quit(2);
        s += r;
        n -= (size_t)r;
    }
}

// The parent's growable buffer, on mmap: no allocator the candidate could replace.
struct buffer {
    char *data = nullptr;
    size_t len = 0, cap = 0;

    void put(const char *s, size_t n) {
        if (len + n > cap) {
            size_t grown = cap ? cap : 65536;
            while (grown < len + n) grown *= 2;
            long p = data ? sys(SYS_mremap, (long)data, (long)cap, (long)grown, 1)  // MAYMOVE
                          : sys(SYS_mmap, 0, (long)grown, 3, 0x22, -1, 0);  // private, anonymous
            if (p < 0 && p > -4096) quit(3);
            data = (char *)p;
            cap = grown;
        }
        for (size_t i = 0; i < n; i++) data[len + i] = s[i];
        len += n;
    }
    void puts(const char *s) {
        size_t n = 0;
        while (s[n]) n++;
        put(s, n);
    }
    void put_int(long v) {
        char d[24];
        int n = 24;
        unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
        do d[--n] = (char)('0' + u % 10); while (u /= 10);
        if (v < 0) d[--n] = '-';
        put(d + n, (size_t)(24 - n));
    }
    bool starts(const char *s) const {
        for (size_t i = 0; s[i]; i++)
            if (i >= len || data[i] != s[i]) return false;
        return true;
    }
};

static char token[130];
static size_t token_len;

// In .preinit_array: before any constructor, the candidate's and the C++ runtime's.
static void read_token() {
    char c;
    while (token_len < 128 && sys(SYS_read, 0, (long)&c, 1) == 1 && c != '\n')
        if (c != '\r' && c != ' ') token[token_len++] = c;
    token[token_len++] = ' ';
}
__attribute__((section(".preinit_array"), used)) static void (*preinit)() = read_token;

// -- the child's writers: canonical JSON, value by value, by the signature's types

struct fault {  // a result the driver cannot write (the call's `error`)
    const char *why;
};

static void put_int(std::string &out, long v) {
    char d[24];
    out.append(d, std::to_chars(d, d + sizeof d, v).ptr);
}

static void put_float(std::string &out, double v) {
    if (v != v) {
        out += "NaN";
        return;
    }
    if (v == std::numeric_limits<double>::infinity() || v == -std::numeric_limits<double>::infinity()) {
        out += v > 0 ? "Infinity" : "-Infinity";
        return;
    }
    char d[40];
    char *end = std::to_chars(d, d + sizeof d, v).ptr;  // the shortest digits that round-trip
    out.append(d, end);
    bool integral = true;
    for (char *p = d; p < end; p++) integral = integral && *p != '.' && *p != 'e';
    if (integral) out += ".0";
}

static void put_bool(std::string &out, bool v) { out += v ? "true" : "false"; }

// The length of the UTF-8 sequence at s[0..n), or 0 where it is not one.
static size_t utf8_size(const unsigned char *s, size_t n) {
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t size = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (c < 0xc2 || c > 0xf4 || size > n) return 0;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    for (size_t i = 1; i < size; i++, lo = 0x80, hi = 0xbf)
        if (s[i] < lo || s[i] > hi) return 0;
    return size;
}

// `lenient`: a byte that is not UTF-8 becomes '?' (messages), else the result is refused.
static void put_str(std::string &out, const std::string &v, bool lenient = false) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)v.data();
    size_t n = v.size();
    out += '"';
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t size = 1;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += (char)c;
        } else if (c < 0x20) {
            const char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(u, 6);
        } else if (c < 0x80) {
            out += (char)c;
        } else if ((size = utf8_size(s + i, n - i)) != 0) {
            out.append((const char *)s + i, size);
        } else if (lenient) {
            out += '?';
            size = 1;
        } else {
            throw fault{"returned a str that is not UTF-8"};
        }
        i += size;
    }
    out += '"';
}

static void put_key(std::string &out, long v) {
    out += '"';
    put_int(out, v);
    out += '"';
}

static void put_key(std::string &out, const std::string &v) { put_str(out, v); }

static std::string type_name(const std::type_info *type) {
    if (type == nullptr) return "an exception";
    int ok = -1;
    char *name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &ok);
    std::string found = ok == 0 && name ? name : type->name();
    std::free(name);
    return found;
}

@GENERATED@

// The child: one call, its result (or exception) as one line into the pipe `fd`.
template <class F> [[noreturn]] static void child(F &f, int index, int fd) {
    for (size_t i = 0; i < sizeof token; i++) ((volatile char *)token)[i] = 0;
    sys(SYS_dup2, 2, 1, 0);  // the candidate's prints go to stderr, never to the reports
    std::string out = "ok ";
    try {
        call(f, index, out);
    } catch (const std::bad_alloc &) {
        out = "memory";
    } catch (const fault &err) {
        out = "error ";
        put_str(out, err.why);
    } catch (const std::exception &err) {
        out = "error ";
        std::string text = type_name(&typeid(err)) + ": " + err.what();
        put_str(out, text.substr(0, 300), true);
    } catch (const char *err) {
        out = "error ";
        put_str(out, std::string("threw \"") + std::string(err).substr(0, 300) + "\"", true);
    } catch (...) {
        out = "error ";
        put_str(out, "threw " + type_name(abi::__cxa_current_exception_type()), true);
    }
    out += '\n';
    write_all(fd, out.data(), out.size());
    quit(0);
}

// A report: a newline first (a print without one cannot swallow it), the token, the line.
static void report(buffer &line, int index, const char *rest, size_t n) {
    line.len = 0;
    line.puts("\n");
    line.put(token, token_len);
    if (index >= 0) {
        line.put_int(index);
        line.puts(" ");
    }
    line.put(rest, n);
    write_all(1, line.data, line.len);
}

static const char *signal_name(int sig) {
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

template <class F> static status run(F f) {
    buffer in, line, why;
    for (int index = 0; index < CALLS; index++) {
        int fds[2], wait_status = 0;
        if (sys(SYS_pipe2, (long)fds, 0, 0) != 0) quit(2);
        int pid = fork();
        if (pid == 0) {
            sys(SYS_close, fds[0], 0, 0);
            child(f, index, fds[1]);
        }
        sys(SYS_close, fds[1], 0, 0);
        if (pid < 0) quit(2);
        in.len = 0;
        for (;;) {
            char chunk[65536];
            long r = sys(SYS_read, fds[0], (long)chunk, sizeof chunk);
            if (r == -4) continue;
            if (r <= 0) break;
            in.put(chunk, (size_t)r);
        }
        sys(SYS_close, fds[0], 0, 0);
        while (sys(SYS_wait4, pid, (long)&wait_status, 0) == -4) {}
        size_t newlines = 0;
        for (size_t i = 0; i < in.len; i++) newlines += in.data[i] == '\n';
        bool one_line = newlines == 1 && in.data[in.len - 1] == '\n';
        bool exited = (wait_status & 0x7f) == 0 && (wait_status >> 8) == 0;
        if (exited && one_line && in.starts("memory\n")) {  // std::bad_alloc: MEMORY_LIMIT
            const char *oom = "error \"std::bad_alloc (out of memory)\"\n";
            report(line, index, oom, 39);
            write_all(2, "std::bad_alloc\n", 15);
            quit(1);
        }
        if (exited && one_line && (in.starts("ok ") || in.starts("error \""))) {
            report(line, index, in.data, in.len);
            continue;
        }
        why.len = 0;
        if ((wait_status & 0x7f) != 0) {
            why.puts("error \"killed by signal ");
            why.put_int(wait_status & 0x7f);
            why.puts(signal_name(wait_status & 0x7f));
        } else if ((wait_status >> 8) != 0) {
            why.puts("error \"the call ended the process with exit code ");
            why.put_int((wait_status >> 8) & 0xff);
        } else if (in.len == 0) {
            why.puts("error \"the call ended the process (exit code 0) before returning");
        } else {
            why.puts("error \"the call wrote to the driver's pipe");
        }
        why.puts("\"\n");
        report(line, index, why.data, why.len);
    }
    report(line, -1, "done\n", 5);
    quit(0);
}

}  // namespace psft

int main() { return psft::entry(); }
#pragma GCC diagnostic pop
#define main psft_candidate_main
