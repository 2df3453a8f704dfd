"""How each PL runs tests written with its own test tools, as the multilingual benchmarks
(MultiPL-E, MBXP, HumanEval-X; see `benchmarks/`) write them.

- `TEST_PACKAGES` / `TEST_NPM_PACKAGES`: the Debian and npm packages of the test
  libraries those tests import (Lua's luaunit, Perl's Test::Deep and Data::Compare, Go's
  testify, Boost and OpenSSL headers for C++, the crates HumanEval-X's Rust prompts
  `use`, lodash and js-md5 for JavaScript, javatuples). `scripts/install-toolchains.sh`
  installs them with the toolchains.
- `test_language(lang, style)`: `lang` with the build and run commands of a test style:
  `go-test` (a `_test.go` file built by `go test -c` against the system's Go packages),
  `rust-test` (`rustc --test` with the prebuilt crates), `tsc-es5` (tsc as mxeval runs
  it: ES5 target, a type error tolerated because tsc still emits the JavaScript),
  `compare-net-objects` (C# against the CompareNETObjects API, see below). "" is the
  language as it is.

The C# tests of MBXP call KellermanSoftware.CompareNetObjects (`new CompareLogic()
.Compare(a, b).AreEqual`), a NuGet package; NuGet is not among the registries a build
here may reach, so `drivers/CompareNetObjects.cs` implements that one call (deep equality
of values, lists, dictionaries and tuples, types included, as the library's defaults
compare them). It is compiled once into a DLL in the cache directory.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from .base import Language, _which

TEST_PACKAGES: dict[str, tuple[str, ...]] = {
    "lua": ("lua-unit",),
    "perl": ("libtest-deep-perl", "libdata-compare-perl"),
    "go": ("golang-github-stretchr-testify-dev",),
    "cpp": ("libboost-dev", "libssl-dev"),
    # Debian's cargo brings Debian's rustc into /usr/bin, ahead of a rustup toolchain on
    # PATH: the install script skips it where a cargo is already on PATH.
    "rust": ("cargo", "librust-rand-dev", "librust-regex-dev", "librust-md5-dev"),
    "ruby": ("ruby-test-unit",),
    "php": ("php-mbstring",),
    "javascript": ("node-lodash",),
    "java": ("libjavatuples-java",),
}

# npm packages the benchmarks' tests require (HumanEval-X's JavaScript/162 uses js-md5)
TEST_NPM_PACKAGES: dict[str, tuple[str, ...]] = {"javascript": ("js-md5",)}

GO_PACKAGES = "/usr/share/gocode"  # where Debian's golang-*-dev packages put their source
DRIVERS = Path(__file__).parent / "drivers"


class TestSetupError(RuntimeError):
    """A test style whose prerequisites are missing (a crate, the C# library)."""


def cache_dir() -> Path:
    root = Path(os.environ.get("PSFT_CACHE_DIR") or Path.home() / ".cache" / "parallel-sft")
    return root / "testing"


# Where the test libraries are found at run time (Debian's Node.js modules)
_NODE_PATH = "/usr/share/nodejs:/usr/lib/node_modules:/usr/local/lib/node_modules"
TEST_ENV: dict[str, dict[str, str]] = {
    "javascript": {"NODE_PATH": _NODE_PATH},
    "typescript": {"NODE_PATH": _NODE_PATH},
}


def test_language(lang: Language, style: str) -> Language:
    """`lang` as tests of `style` are built and run (see the module docstring)."""
    if lang.name in TEST_ENV:
        lang = replace(lang, env={**lang.env, **TEST_ENV[lang.name]})
    if not style:
        return lang
    if style == "go-test":
        return replace(
            lang,
            source_file="main_test.go",
            compile=("go", "test", "-c", "-o", "main.test", "{src}"),
            run=("./main.test", "-test.v=false"),
            env={**lang.env, "GOPATH": GO_PACKAGES, "GO111MODULE": "off"},
            sandbox_paths=(*lang.sandbox_paths, GO_PACKAGES),
        )
    if style == "rust-test":
        deps = rust_crates()
        externs = [
            a for name in ("rand", "regex", "md5") for a in ("--extern", f"{name}={deps[name]}")
        ]
        return replace(
            lang,
            compile=(
                "rustc",
                "--edition",
                "2021",
                "--test",
                "-o",
                "main",
                "-L",
                f"dependency={deps['dir']}",
                *externs,
                "{src}",
            ),  # fmt: skip
            run=("./main", "--test-threads=1"),
            sandbox_paths=(*lang.sandbox_paths, deps["dir"]),
        )
    if style == "tsc-es5":
        tsc = "tsc --target es5 --lib es2016 {src}; s=$?; [ $s -eq 0 ] || [ $s -eq 2 ]"
        return replace(lang, compile=("sh", "-c", tsc))
    if style == "compare-net-objects":
        dll = compare_net_objects()
        assert lang.compile is not None
        return replace(
            lang,
            compile=(*lang.compile[:-1], f"-r:{dll}", lang.compile[-1]),
            env={**lang.env, "MONO_PATH": str(dll.parent)},
            sandbox_paths=(*lang.sandbox_paths, str(dll.parent)),
        )
    raise ValueError(f"unknown test style {style!r}")


@functools.cache
def compare_net_objects() -> Path:
    """The CompareNETObjects stand-in DLL, built once (our own source: trusted)."""
    out = cache_dir() / "csharp" / "KellermanSoftware.CompareNetObjects.dll"
    source = DRIVERS / "CompareNetObjects.cs"
    if out.exists() and out.stat().st_mtime >= source.stat().st_mtime:
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        built = Path(tmp) / out.name  # the file name is the assembly's name
        done = subprocess.run(
            ["mcs", "-target:library", f"-out:{built}", str(source)],
            capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise TestSetupError(
                f"cannot build the C# comparison library: {done.stdout}{done.stderr}"
            )
        built.replace(out)
    return out


# name -> the Cargo.toml dependency (regex without its `perf` features, whose crates
# Debian packages apart: matching is the same, only slower). CodeGeeX pinned rand 0.4;
# Debian has 0.8, whose `gen_range` takes a range, not two bounds (HumanEval-X Rust/50's
# tests call the old form, so that one task cannot build here).
_RUST_CRATES = {
    "rand": '"0.8"',
    "regex": '{ version = "1", default-features = false, features = ["std", "unicode"] }',
    "md5": '"0.7"',
}


@functools.cache
def rust_crates() -> dict[str, str]:
    """The crates HumanEval-X's Rust prompts use, built once with cargo from Debian's
    packaged sources (offline): {"dir": deps dir, crate: its .rlib}."""
    # The crates must be built by the rustc that builds the tests (the registry's Rust
    # toolchain: rustup's where it is installed, before Debian's), not by whichever cargo's
    # own; the cache is kept per rustc version.
    rustc = _rustc()
    cargo = _which("cargo")
    if rustc is None or cargo is None:
        raise TestSetupError(
            "HumanEval-X's Rust tests need rustc and cargo: run "
            "`scripts/install-toolchains.sh rust`"
        )
    version = subprocess.run([rustc, "--version"], capture_output=True, text=True).stdout
    tag = "".join(c if c.isalnum() else "-" for c in version.split("(")[0].strip()) or "rustc"
    root = cache_dir() / f"rust-crates-{tag}"
    deps = root / "target" / "release" / "deps"
    found = _rlibs(deps)
    if set(_RUST_CRATES) <= found.keys():
        return {"dir": str(deps), **found}
    registry = Path("/usr/share/cargo/registry")
    if not registry.is_dir():
        raise TestSetupError(
            "HumanEval-X's Rust tests need the crates rand, regex and md5: run "
            "`scripts/install-toolchains.sh rust` (Debian's librust-*-dev packages)"
        )
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "lib.rs").write_text("")
    wanted = "\n".join(f"{k} = {v}" for k, v in _RUST_CRATES.items())
    (root / "Cargo.toml").write_text(
        f'[package]\nname = "psft-test-crates"\nversion = "0.1.0"\nedition = "2021"\n\n'
        f"[dependencies]\n{wanted}\n"
    )
    (root / ".cargo").mkdir(exist_ok=True)
    (root / ".cargo" / "config.toml").write_text(
        '[source.crates-io]\nreplace-with = "debian"\n\n'
        f'[source.debian]\ndirectory = "{registry}"\n\n[net]\noffline = true\n'
    )
    done = subprocess.run(
        [cargo, "build", "--release", "--offline", "--quiet"],
        cwd=root, capture_output=True, text=True, env={**os.environ, "RUSTC": rustc},
    )  # fmt: skip
    found = _rlibs(deps)
    if done.returncode != 0 or not set(_RUST_CRATES) <= found.keys():
        why = (done.stderr.strip().splitlines() or ["no rlib built"])[-1]
        raise TestSetupError(f"cannot build the Rust test crates: {why}")
    return {"dir": str(deps), **found}


def _rustc() -> str | None:
    """The rustc binary the Rust language builds with (rustup's real one, not its proxy)."""
    from . import get_language

    toolchain = get_language("rust").find_toolchain()
    if toolchain is None:
        return None
    if toolchain.bin_dirs:
        return os.path.join(toolchain.bin_dirs[0], "rustc")
    return _which("rustc")


def _rlibs(deps: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in _RUST_CRATES:
        libs = sorted(deps.glob(f"lib{name}-*.rlib"), key=lambda p: p.stat().st_mtime)
        if libs:
            out[name] = str(libs[-1])
    return out
