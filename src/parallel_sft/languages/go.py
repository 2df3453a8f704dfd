"""Go, built with the go command (GOPATH mode off, no modules: one file, stdlib only).

Debian's Go may be old (1.19 on bookworm): no `min`/`max` builtins and no `slices` or
`maps` packages (Go 1.21), so the conventions say so. The build cache lives in the
sandbox's private /tmp, so one candidate cannot poison another's build. The Go runtime
reserves large virtual ranges, which is why memory is limited by cgroup, not RLIMIT_AS.

Only `package main` builds a program: `go build` turns any other package into an archive
that then fails to start, so that is named as the COMPILE_ERROR it is.

Function problems: `go_functions.GoFunctions` (types, literals, the test driver).
"""

from dataclasses import dataclass

from .base import Language
from .entry import EntryPoint, EntryPointError, first, parse, text
from .go_functions import GoFunctions


@dataclass(frozen=True)
class Go(Language):
    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        clause = first(root, "package_clause") if root is not None else None
        package = text(first(clause, "package_identifier")) if clause is not None else "main"
        # A test file (`go test`, the benchmarks' Go) may be any package: its tests run.
        if package != "main" and not self.source_file.endswith("_test.go"):
            raise EntryPointError(
                f"no entry point: a Go program is `package main` (this is `package {package}`)"
            )
        return super().entry_point(code)


LANGUAGE = Go(
    name="go",
    compile_s=0.07,
    start_s=0.001,
    display="Go",
    aliases=("golang",),
    source_file="main.go",
    compile=("go", "build", "-o", "main", "{src}"),
    run=("./main",),
    rlimit_as=False,
    tools=("go",),
    version_args=("version",),
    debian_packages=("golang-go",),
    grammar="go",
    fence_tags=("Go",),
    env={
        "GOCACHE": "/tmp/go-cache",
        "GOPATH": "/tmp/go",
        "GO111MODULE": "off",
        "CGO_ENABLED": "0",
        "GOFLAGS": "-buildvcs=false",
        "GOTOOLCHAIN": "local",
    },
    oom_markers=("out of memory",),
    conventions=(
        "Go 1.19: `package main` with `func main()`, standard library only. Read with "
        "bufio.NewReader(os.Stdin) and fmt.Fscan, write through a bufio.Writer that is "
        "flushed. Do not use the `min`/`max` builtins or the `slices`/`maps` packages "
        "(Go 1.21+); every import must be used."
    ),
    example=(
        'package main\n\nimport "fmt"\n\nfunc main() {\n\tvar a, b int64\n'
        "\tfmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n"
    ),
    functions=GoFunctions(),
)
