"""`python -m parallel_sft.languages missing [PL ...]`: what scripts/install-toolchains.sh
must install. Prints four lines: the Debian packages, then the npm packages, of the named
PLs (all by default) whose toolchain is not found; then the Debian and the npm packages
of those PLs' test libraries (the benchmarks' tests import them; `languages/testing.py`),
which the script installs where they are not installed yet. Standard library only, so it
runs before the toolkit's dependencies are installed."""

import sys

from . import LANGUAGES, parse_languages
from .testing import TEST_NPM_PACKAGES, TEST_PACKAGES


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "missing":
        print(__doc__, file=sys.stderr)
        return 2
    try:
        langs = parse_languages(argv[1:]) if argv[1:] else list(LANGUAGES.values())
    except KeyError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    missing = [lang for lang in langs if lang.find_toolchain() is None]
    debs = dict.fromkeys(p for lang in missing for p in lang.debian_packages)
    npms = dict.fromkeys(p for lang in missing for p in lang.npm_packages)
    print(" ".join(debs))
    print(" ".join(npms))
    print(" ".join(dict.fromkeys(p for lang in langs for p in TEST_PACKAGES.get(lang.name, ()))))
    print(
        " ".join(dict.fromkeys(p for lang in langs for p in TEST_NPM_PACKAGES.get(lang.name, ())))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
