"""Rust, compiled with rustc (no cargo: one file, std only).

rustup installs put `rustc` in ~/.cargo/bin as a proxy that needs ~/.rustup, and the
sandbox hides home directories. So the toolchain hook asks the proxy (on the host, a
trusted binary) for its sysroot and binds that one directory read-only instead.

Function problems: `rust_functions.RustFunctions` (types, literals, the test driver).
"""

import functools
import os
import subprocess
from dataclasses import dataclass

from .base import Language, Toolchain, _which
from .rust_functions import RustFunctions


@dataclass(frozen=True)
class Rust(Language):
    def find_toolchain(self) -> Toolchain | None:
        rustc = _which("rustc")
        if rustc is None:
            return None
        if rustc.startswith("/usr/"):
            return Toolchain()
        sysroot = _sysroot(rustc)
        if sysroot is None:
            return None
        return Toolchain(bin_dirs=(os.path.join(sysroot, "bin"),), ro_paths=(sysroot,))


@functools.cache
def _sysroot(rustc: str) -> str | None:
    try:
        sysroot = subprocess.run(
            [rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=60, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return sysroot if os.path.isfile(os.path.join(sysroot, "bin", "rustc")) else None


LANGUAGE = Rust(
    name="rust",
    compile_s=0.18,
    start_s=0.001,
    display="Rust",
    aliases=("rs",),
    source_file="main.rs",
    compile=("rustc", "-O", "--edition", "2021", "-o", "main", "{src}"),
    run=("./main",),
    tools=("rustc",),
    debian_packages=("rustc",),
    grammar="rust",
    fence_tags=("Rust",),
    oom_markers=("memory allocation of",),
    conventions=(
        "Rust 2021 edition, stable toolchain, compiled with rustc alone: `fn main()`, std "
        "only (no crates). Read all of stdin with std::io::Read::read_to_string, write "
        "through a BufWriter on stdout."
    ),
    example=(
        "use std::io::Read;\n\nfn main() {\n    let mut s = String::new();\n"
        "    std::io::stdin().read_to_string(&mut s).unwrap();\n"
        "    let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect();\n"
        '    println!("{}", v[0] + v[1]);\n}\n'
    ),
    functions=RustFunctions(),
)
