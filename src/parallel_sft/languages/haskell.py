"""Haskell, compiled with GHC.

Debian keeps GHC's global package database in /var/lib/ghc, outside /usr, so the sandbox
must see it (``sandbox_paths``). Only GHC's boot packages are available.
"""

from .base import Language

LANGUAGE = Language(
    name="haskell",
    display="Haskell",
    aliases=("hs", "ghc"),
    source_file="Main.hs",
    compile=("ghc", "-O1", "-v0", "-o", "main", "{src}"),
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
