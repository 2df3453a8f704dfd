"""What the toolkit knows about one programming language (PL), in one place.

A `Language` is data plus small hooks (`find_toolchain`, `placeholders`). Command
templates are argv lists whose items may use ``{src}`` (the source file name),
``{memory_mb}`` (the run's memory limit, for runtimes that size their own heap, like the
JVM) and whatever `placeholders()` adds. Commands run inside the sandbox, in the
candidate's work dir, with the sandbox's PATH.

Toolchains under /usr, /opt and friends are visible in the sandbox as they are. One found
elsewhere on the user's PATH has its bin dir bind-mounted read-only; a toolchain that
needs more than its bin dir (rustup's proxies) overrides `find_toolchain`.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .entry import EntryPoint
from .functions import FunctionSupport

# Where the sandbox looks for executables first. The user's PATH comes after, so that a
# toolchain installed in an unusual place still works (it is bind-mounted read-only).
SYSTEM_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
_SYSTEM_PREFIXES = ("/usr/", "/bin/", "/sbin/", "/lib", "/etc/", "/opt/")


@dataclass(frozen=True)
class Toolchain:
    """Where a language's executables live, as the sandbox must see them."""

    bin_dirs: tuple[str, ...] = ()  # prepended to the sandbox PATH
    ro_paths: tuple[str, ...] = ()  # extra read-only bind mounts


@dataclass(frozen=True)
class PrecompiledHeader:
    """A header the compiler can load precompiled (GCC's `.gch`), built once per machine and
    compiler. Contest C++ starts with `#include <bits/stdc++.h>`, and parsing that header is
    most of a small program's compile (2.3 s of 2.4 s with g++ 12 -O2 here).

    Each of `builds` compiles a one-line header that includes `include` ({src}) into one
    variant ({out}), with the flags of one of the PL's compile commands (the plain build,
    the sanitized one): GCC requires them to match. The variants sit in one directory,
    `<include>.gch/`, from which GCC takes the first that fits a compile; the directory's
    parent is named to every compile in `env` (an include-path variable, so it reaches
    compilers started by a shell too). GCC checks that a precompiled header fits (same
    compiler, same options, first thing included) and reads the real header when none does,
    so a program means the same either way."""

    include: str  # as programs write it: "bits/stdc++.h"
    builds: tuple[tuple[str, ...], ...]  # argv templates: {src} the one-line header, {out}
    env: str  # the compiler's include-path variable: CPLUS_INCLUDE_PATH

    def wanted(self, code: str) -> bool:
        """Whether `code` includes the header (only then is it worth building)."""
        pattern = rf"#\s*include\s*[<\"]{re.escape(self.include)}[>\"]"
        return re.search(pattern, code) is not None


@dataclass(frozen=True)
class Sanitizer:
    """An instrumented build of a compiled PL, for a second pass over programs that passed.

    Undefined behaviour often prints the right answer by luck (an uninitialised variable
    that happens to be 0, a write past an array that corrupts nothing visible), so the
    runner builds a program that passed once more with this `compile` command and runs
    every test again (see verify/runner.py). Instrumented code is slower and bigger:
    `time_factor` multiplies the PL's CPU limit, `memory_factor` the problem's memory
    limit, and `memory_overhead_mb` (shadow memory, the runtime's own tables) comes on top.
    The runtimes reserve terabytes of address space, so the variant never gets RLIMIT_AS:
    the cgroup holds memory, or the runtime's own RSS limit (from `env`) where there is none.
    """

    compile: tuple[str, ...]  # argv template, like `Language.compile`
    # first_report(stderr) -> the sanitizer's first report in one line, or None (no report:
    # the program failed on its own).
    first_report: Callable[[str], str | None]
    env: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    time_factor: float = 1.0
    memory_factor: float = 1.0
    memory_overhead_mb: int = 0
    # stderr fragments that mean the instrumented program ran out of memory (-> MEMORY_LIMIT).
    oom_markers: tuple[str, ...] = ()
    # Output fragments that mean the sanitizer itself failed (a runtime library missing, no
    # room for its shadow memory): the machine's fault, never the program's (-> INFRA_ERROR).
    infra_markers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompileServer:
    """A compiler kept warm for a sandbox session, for a PL whose compiler spends most of a
    small program's compile starting itself (javac: 0.30 s of 0.32 s here).

    verify/compile_server.py starts `start` once per session, as a long-lived run of its
    own (own namespaces, cgroup and limits, the session's work dirs at /box), and sends it
    each compile the `compile` command would have done. The server speaks the protocol of
    languages/servers/JvmCompileServer.java. Whatever goes wrong with it (it cannot start, dies,
    runs past a limit, cannot take the arguments) sends that compile to the `compile`
    command instead, so a verdict never depends on the server.
    """

    source: str  # its program, in languages/servers/; {server} in `start` is its path
    # argv template that starts it in /box (the command templates' values, and {server}):
    # the compiler's JVM as the `compile` command's launcher starts it, its env included.
    start: tuple[str, ...]
    # request(compile argv, work dir) -> the server's arguments for that compile, with
    # paths under `work dir` (relative to /box); None where it cannot take them.
    request: Callable[[Sequence[str], str], list[str] | None]


@dataclass(frozen=True)
class Language:
    name: str  # canonical registry key
    display: str  # human name: "C++"
    aliases: tuple[str, ...]  # other names users and models use: "cpp", "c++", "cxx"
    source_file: str  # the file the program is written to
    run: tuple[str, ...]  # argv template to run the program
    tools: tuple[str, ...]  # executables that must exist (first one gives the version)
    debian_packages: tuple[str, ...]
    grammar: str | None  # tree-sitter-language-pack grammar name
    conventions: str  # what a translator must follow to produce a runnable program
    example: str  # reads "a b", prints a+b: used by `psft langs --check`
    # A compiler, or a syntax check for interpreted PLs; None where the toolchain has none.
    compile: tuple[str, ...] | None = None
    compiled: bool = True  # False: `compile` only checks syntax
    fence_tags: tuple[str, ...] = ()  # markdown info strings besides name and aliases
    npm_packages: tuple[str, ...] = ()
    version_args: tuple[str, ...] = ("--version",)
    # Slow starters (JVM, BEAM, R) get their time limit multiplied by this.
    time_factor: float = 1.0
    # Runtimes with a large fixed footprint (the JVM) get this on top of the memory limit.
    memory_overhead_mb: int = 0
    # What a short program costs here, bare (benchmarks/language_costs.py, 2-core machine):
    # its compile and one run's start-up, in seconds. The pool starts the costliest jobs
    # first, so that a Scala compile does not begin as the last job of a batch.
    compile_s: float = 0.0
    start_s: float = 0.005
    env: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    # Third-party libraries the runtime offers programs (Python's numpy), and a command
    # that succeeds only when they are installed: without them the toolchain counts as
    # missing, so a program is never failed for an import the judge should have offered.
    libraries: tuple[str, ...] = ()
    runtime_check: tuple[str, ...] | None = None
    # Read-only paths the toolchain needs beyond /usr and /etc (e.g. GHC's package db).
    sandbox_paths: tuple[str, ...] = ()
    # False for runtimes that reserve address space up front (JVM, Go, V8, GHC, BEAM):
    # RLIMIT_AS, the fallback where no cgroup is writable, would kill them at start-up.
    rlimit_as: bool = True
    # stderr fragments that mean the runtime ran out of memory (-> MEMORY_LIMIT).
    oom_markers: tuple[str, ...] = ()
    # The instrumented build that checks programs once they pass (C, C++); see `sanitized`.
    sanitizer: Sanitizer | None = None
    # A header precompiled once per machine for programs that include it (C++'s
    # <bits/stdc++.h>); see `PrecompiledHeader` and verify/precompiled.py.
    precompiled: PrecompiledHeader | None = None
    # True: the run command is `<interpreter> <script>` with Python's own startup, which a
    # session may start from a forked, pre-started interpreter (verify/zygote.py).
    zygote: bool = False
    # A compiler kept warm for a session's compiles (javac); see `CompileServer`.
    compile_server: CompileServer | None = field(default=None, hash=False, compare=False)
    # Function problems: how types, values, headers and the test driver are written
    # (`functions.FunctionSupport`); None: this language takes stdio problems only.
    functions: FunctionSupport | None = field(default=None, hash=False, compare=False)
    # stderr lines starting with these are the toolchain's chatter, left out of verdicts.
    stderr_noise: tuple[str, ...] = ()
    # Syntax facts the tree-sitter layer (verify/syntax.py) needs beyond the grammar:
    layout: bool = False  # line breaks and indentation are syntax (off-side rule)
    # A regex of idioms that mark code as this PL even where another grammar parses it.
    idioms: str | None = None
    # Node types at the top of a real program's tree: one that must be there (PHP's
    # `<?php`), one that must not (a bare symbol: prose read as code by Lisp grammars).
    required_top_node: str | None = None
    forbidden_top_node: str | None = None

    @property
    def tags(self) -> tuple[str, ...]:
        """Every markdown fence tag that names this PL."""
        return tuple(dict.fromkeys((self.name, *self.aliases, *self.fence_tags)))

    def placeholders(self) -> dict[str, str]:
        """Extra values for the command templates, computed on the host."""
        return {}

    def sanitized(self) -> Language | None:
        """This PL built with its `sanitizer`: the same run command, the instrumented compile
        command, relaxed limits (the memory factor is the runner's to apply: it scales the
        problem's limit, not the PL's), no RLIMIT_AS. None where the PL has no sanitizer."""
        san = self.sanitizer
        if san is None:
            return None
        return replace(
            self,
            compile=san.compile,
            env={**self.env, **san.env},
            time_factor=self.time_factor * san.time_factor,
            memory_overhead_mb=self.memory_overhead_mb + san.memory_overhead_mb,
            rlimit_as=False,
            oom_markers=self.oom_markers + san.oom_markers,
            sanitizer=None,
        )

    def entry_point(self, code: str) -> EntryPoint:
        """Where `code` starts: its file name, run target and any per-program placeholders
        (see entry.py). The default is the conventional layout; languages whose programs
        name their entry point (Java's class, Haskell's module) read it from the text.
        Raises EntryPointError when the program has none, or several."""
        return EntryPoint(self.source_file)

    def find_toolchain(self) -> Toolchain | None:
        """Locate the executables; None when any is missing."""
        bin_dirs: list[str] = []
        for tool in self.tools:
            path = _which(tool)
            if path is None:
                return None
            directory = os.path.dirname(path)
            if not path.startswith(_SYSTEM_PREFIXES) and directory not in bin_dirs:
                bin_dirs.append(directory)
        if self.runtime_check and not _runtime_ok(self.runtime_check):
            return None
        return Toolchain(bin_dirs=tuple(bin_dirs), ro_paths=tuple(bin_dirs))

    def version(self) -> str | None:
        """The toolchain's own version line, or None when it is not installed."""
        return _version(self)

    def install_hint(self) -> str:
        parts = []
        if self.debian_packages:
            parts.append("apt-get install " + " ".join(self.debian_packages))
        if self.npm_packages:
            parts.append("npm install -g " + " ".join(self.npm_packages))
        how = " && ".join(parts) or "install it"
        return f"run `scripts/install-toolchains.sh {self.name}` (or: {how})"


@functools.cache
def _runtime_ok(argv: tuple[str, ...]) -> bool:
    """Whether the runtime's check command succeeds (once per process: it starts an
    interpreter). Trusted code only: the toolchain importing its own libraries."""
    exe = _which(argv[0])
    if exe is None:
        return False
    try:
        done = subprocess.run([exe, *argv[1:]], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _which(tool: str) -> str | None:
    return shutil.which(tool, path=os.pathsep.join(SYSTEM_PATH)) or shutil.which(tool)


_VERSION = re.compile(r"(?<![\d.])(\d+\.\d+(?:\.\d+)?)")
_versions: dict[str, str | None] = {}


def _version(lang: Language) -> str | None:
    if lang.name not in _versions:
        _versions[lang.name] = _probe_version(lang)
    return _versions[lang.name]


def _probe_version(lang: Language) -> str | None:
    toolchain = lang.find_toolchain()
    if toolchain is None:
        return None
    tool = lang.tools[0]
    in_toolchain = [os.path.join(d, tool) for d in toolchain.bin_dirs]
    exe = next((p for p in in_toolchain if os.path.isfile(p)), None) or _which(tool) or tool
    try:
        # Trusted binaries only: the toolchain itself, never candidate code.
        out = subprocess.run([exe, *lang.version_args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout + "\n" + out.stderr
    lines = [ln for ln in text.splitlines() if ln.strip() and "warning" not in ln.lower()]
    # Prefer the line that names the PL ("Elixir 1.14.0" rather than "Erlang/OTP 25").
    line = next((ln for ln in lines if lang.display.split()[0].lower() in ln.lower()), None)
    match = _VERSION.search(line or "\n".join(lines))
    return match.group(1) if match else "?"
