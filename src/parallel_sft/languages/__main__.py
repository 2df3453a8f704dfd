"""`python -m parallel_sft.languages missing [PL ...]`: what scripts/install-toolchains.sh
must install. Prints two lines: the Debian packages, then the npm packages, of the named
PLs (all by default) whose toolchain is not found. Standard library only, so it runs
before the toolkit's dependencies are installed."""

import sys

from . import LANGUAGES, parse_languages


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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
