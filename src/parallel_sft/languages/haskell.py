"""Haskell, compiled with GHC.

Debian keeps GHC's global package database in /var/lib/ghc, outside /usr, so the sandbox
must see it (``sandbox_paths``). Only GHC's boot packages are available.

A program may name its module (`module Foo where`, as contest archives do); GHC then
needs ``-main-is Foo`` to take that module's `main` as the program's.
"""

from dataclasses import dataclass

from .base import Language
from .entry import EntryPoint, first, parse, text


@dataclass(frozen=True)
class Haskell(Language):
    def placeholders(self) -> dict[str, str]:
        return {"main_module": "Main"}

    def entry_point(self, code: str) -> EntryPoint:
        root = parse(code, self.grammar)
        header = first(root, "header") if root is not None else None
        module = text(first(header, "module")) if header is not None else ""
        if not module:
            return super().entry_point(code)
        return EntryPoint(self.source_file, {"main_module": module})


LANGUAGE = Haskell(
    name="haskell",
    display="Haskell",
    aliases=("hs", "ghc"),
    source_file="Main.hs",
    compile=("ghc", "-O1", "-v0", "-main-is", "{main_module}", "-o", "main", "{src}"),
    run=("./main",),
    rlimit_as=False,
    tools=("ghc",),
    debian_packages=("ghc",),
    grammar="haskell",
    fence_tags=("Haskell",),
    sandbox_paths=("/var/lib/ghc",),
    layout=True,
    oom_markers=("heap overflow", "out of memory"),
    conventions=(
        "Haskell (GHC 9.0): `main :: IO ()` in module Main; read with getContents, getLine "
        "or Data.ByteString.Char8; only GHC's boot packages (base, containers, array, "
        "bytestring, mtl is NOT available)."
    ),
    example=(
        "main :: IO ()\nmain = do\n  [a, b] <- map read . words <$> getLine :: IO [Integer]\n"
        "  print (a + b)\n"
    ),
)
