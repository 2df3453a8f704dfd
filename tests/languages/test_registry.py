import pytest

from parallel_sft.errors import UnknownLanguageError
from parallel_sft.languages import LANGUAGES, get_language, parse_languages

REQUIRED = (
    "python c cpp java javascript typescript go rust ruby php perl lua r bash scala kotlin "
    "csharp d haskell ocaml racket elixir clojure fortran nim"
).split()


def test_the_25_required_languages_are_registered():
    assert set(REQUIRED) <= set(LANGUAGES)
    assert len(LANGUAGES) >= 25


@pytest.mark.parametrize(
    "alias,name",
    [
        ("rs", "rust"),
        ("rb", "ruby"),
        ("pl", "perl"),
        ("rkt", "racket"),
        ("cs", "csharp"),
        ("sh", "bash"),
        ("ts", "typescript"),
        ("js", "javascript"),
        ("ml", "ocaml"),
        ("hs", "haskell"),
        ("kt", "kotlin"),
        ("py", "python"),
        ("C++", "cpp"),
        ("go", "go"),
        ("Golang", "go"),
        ("c#", "csharp"),
    ],
)
def test_aliases_resolve(alias, name):
    assert get_language(alias).name == name


def test_unknown_language_lists_the_known_ones():
    with pytest.raises(UnknownLanguageError) as err:
        get_language("cobol")
    assert "cobol" in str(err.value) and "rust" in str(err.value)


def test_aliases_are_unambiguous():
    seen: dict[str, str] = {}
    for lang in LANGUAGES.values():
        for alias in (lang.name, *lang.aliases):
            assert seen.setdefault(alias.lower(), lang.name) == lang.name, alias


def test_parse_languages_dedups_aliases_and_keeps_order():
    assert [lang.name for lang in parse_languages("rs, cpp,rust")] == ["rust", "cpp"]
    assert len(parse_languages("all")) == len(LANGUAGES)


@pytest.mark.parametrize("name", REQUIRED)
def test_entry_is_complete(name):
    lang = LANGUAGES[name]
    assert lang.source_file and "." in lang.source_file
    assert lang.run and lang.tools and lang.debian_packages and lang.example.strip()
    assert lang.grammar, "every required PL has a tree-sitter grammar in the pack"
    assert lang.conventions.strip() and lang.time_factor >= 1
    assert name in lang.tags
    for arg in (*(lang.compile or ()), *lang.run):
        arg.format(src="main", memory_mb="1", **_dummy_placeholders(lang))
    # Interpreted PLs get a syntax check where the toolchain has one.
    if not lang.compiled and name != "clojure":
        assert lang.compile is not None


def _dummy_placeholders(lang):
    return {k: "x" for k in lang.placeholders()}


def test_old_toolchains_are_named_in_the_conventions():
    assert "1.3" in LANGUAGES["kotlin"].conventions
    assert "readln" in LANGUAGES["kotlin"].conventions
    assert "2.11" in LANGUAGES["scala"].conventions
    assert "1.19" in LANGUAGES["go"].conventions
    assert "Main" in LANGUAGES["java"].conventions


@pytest.mark.parametrize("name", REQUIRED)
def test_toolchain_is_installed(name):
    """In CI every toolchain is installed by scripts/install-toolchains.sh."""
    lang = LANGUAGES[name]
    assert lang.find_toolchain() is not None, lang.install_hint()
    assert lang.version() not in (None, "?")


def test_langs_shows_each_languages_header_for_a_signature_or_why_not():
    from ..test_cli import psft

    sig = "def first_word(text: str, min_len: int) -> Optional[tuple[str, int]]"
    result = psft("langs", "--signature", sig, "--langs", "go,bash,ocaml")
    assert result.returncode == 0, result.stderr
    assert "func first_word(text string, min_len int) *Tuple2[string, int] {" in result.stdout
    assert "let first_word (text : string) (min_len : int) : (string * int) option" in (
        " ".join(result.stdout.replace("│", " ").split())
    )
    assert "cannot express: " in result.stdout  # Bash: no tuples
    bad = psft("langs", "--signature", "def f(x: set[int]) -> int")
    assert bad.returncode != 0 and bad.stderr.startswith("error: --signature: unsupported type")
