"""The tree-sitter layer: extract code from responses, check syntax, normalize for dedup.

Every registry PL gets hand-written responses built around its registry example and its
count-words/average fixtures (all correct programs): tagged blocks under every tag, an
untagged block, several blocks, prose around code, a truncated response, the source PL
returned instead of the target, and no code at all.
"""

from __future__ import annotations

import doctest
import re
from dataclasses import replace

import pytest

from parallel_sft.errors import UnknownLanguageError
from parallel_sft.languages import LANGUAGES
from parallel_sft.verify import syntax
from parallel_sft.verify.syntax import Extraction, check, extract, normalize

from ..conftest import PROGRAMS

PLS = sorted(LANGUAGES)
LAYOUT = {"python", "haskell", "nim"}

# Per PL: line comment marker and block comment delimiters (None where the PL has none).
COMMENTS = {
    "bash": ("#", None),
    "c": ("//", ("/*", "*/")),
    "clojure": (";", None),
    "cpp": ("//", ("/*", "*/")),
    "csharp": ("//", ("/*", "*/")),
    "d": ("//", ("/+", "+/")),
    "elixir": ("#", None),
    "fortran": ("!", None),
    "go": ("//", ("/*", "*/")),
    "haskell": ("--", ("{-", "-}")),
    "java": ("//", ("/*", "*/")),
    "javascript": ("//", ("/*", "*/")),
    "kotlin": ("//", ("/*", "*/")),
    "lua": ("--", ("--[[", "]]")),
    "nim": ("#", ("#[", "]#")),
    "ocaml": (None, ("(*", "*)")),
    "perl": ("#", None),
    "php": ("//", ("/*", "*/")),
    "python": ("#", None),
    "r": ("#", None),
    "racket": (";", ("#|", "|#")),
    "ruby": ("#", None),
    "rust": ("//", ("/*", "*/")),
    "scala": ("//", ("/*", "*/")),
    "typescript": ("//", ("/*", "*/")),
}

# Per PL: a program that prints "a b" (a string literal with a space).
HELLO = {
    "bash": 'echo "a b"',
    "c": '#include <stdio.h>\nint main(void) { puts("a b"); return 0; }',
    "clojure": '(println "a b")',
    "cpp": '#include <iostream>\nint main() { std::cout << "a b\\n"; }',
    "csharp": 'class Program { static void Main() { System.Console.WriteLine("a b"); } }',
    "d": 'import std.stdio;\nvoid main() { writeln("a b"); }',
    "elixir": 'IO.puts("a b")',
    "fortran": "program main\n  print '(A)', \"a b\"\nend program main",
    "go": 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("a b") }',
    "haskell": 'main = putStrLn "a b"',
    "java": 'class Main { public static void main(String[] a) { System.out.println("a b"); } }',
    "javascript": 'console.log("a b");',
    "kotlin": 'fun main() { println("a b") }',
    "lua": 'print("a b")',
    "nim": 'echo "a b"',
    "ocaml": 'let () = print_endline "a b"',
    "perl": 'print "a b\\n";',
    "php": '<?php\necho "a b\\n";',
    "python": 'print("a b")',
    "r": 'cat("a b\\n")',
    "racket": '#lang racket\n(displayln "a b")',
    "ruby": 'puts "a b"',
    "rust": 'fn main() { println!("a b"); }',
    "scala": 'object Main extends App { println("a b") }',
    "typescript": 'const s: string = "a b";\nconsole.log(s);',
}

PROSE = [
    "I'm sorry, I can't help with that.",
    "I cannot solve this problem because the statement is ambiguous",
    "The answer is 42.",
    "Sure! Here is the solution.\nIt reads the input and prints the sum.",
    "Let me think about this step by step\nFirst we read n\nThen we sum the values",
    "Use a hash map to count the words, then print the counts.",
]


def program(pl: str, name: str) -> str:
    """The registry example or a fixture program (all correct)."""
    if name == "example":
        return LANGUAGES[pl].example
    (path,) = (PROGRAMS / pl).glob(f"{name}.*")
    return path.read_text()


def source_pl(pl: str) -> str:
    """The PL the model was asked to translate from: Python, or JavaScript for Python."""
    return "javascript" if pl == "python" else "python"


def truncated(code: str) -> str:
    """The code cut just after the first opening bracket in its second half."""
    return code[: re.compile(r"[(\[{]").search(code, len(code) // 2).end()]


def comment(pl: str, text: str) -> str:
    line, block = COMMENTS[pl]
    return f"{line} {text}" if line else f"{block[0]} {text} {block[1]}"


def messy(code: str, pl: str) -> str:
    """The same program with comments, blank lines and spaces added.

    Lines with quotes, slashes or `#` keep their inner spacing (they may hold literals);
    layout PLs keep their indentation and Haskell its inner spacing (alignment).
    """
    first, *rest = code.rstrip("\n").split("\n")
    indent = re.match(r"[ \t]*", rest[0] if rest else "")[0]
    out = [first + "  ", "", indent + comment(pl, "read a and b, then print(a + b)")]
    for line in rest:
        if pl not in LAYOUT and line.strip():
            line = "  " + line
        if pl != "haskell" and not re.search(r"[\"'`/\\#]", line):
            lead = re.match(r"[ \t]*", line)[0]
            line = lead + re.sub(r"(?<=\S) (?=\S)", "  ", line[len(lead) :])
        out += [line + "  ", ""]
    block = COMMENTS[pl][1]
    out[-2] += " " + (f"{block[0]} the end {block[1]}" if block else comment(pl, "the end"))
    return "\n".join(out) + "\n\n"


def fenced(tag: str, code: str, *, close: bool = True) -> str:
    return f"```{tag}\n{code.rstrip()}\n" + ("```\n" if close else "")


def test_doctests():
    assert doctest.testmod(syntax).failed == 0


# --- extract ---


@pytest.mark.parametrize("pl", PLS)
def test_extract_tagged_block_under_every_tag(pl):
    lang, code = LANGUAGES[pl], program(pl, "example")
    tags = [*lang.tags, lang.name.upper(), f"{lang.aliases[0]} title=main"]
    for tag in tags:
        response = f"Here is the program.\n\n{fenced(tag, code)}\nIt reads a and b."
        assert extract(response, pl) == Extraction(code.rstrip(), "", "tagged"), tag
    tilde = f"~~~{lang.aliases[0]}\n{code}~~~\n"
    assert extract(tilde, lang) == Extraction(code.rstrip(), "", "tagged")


@pytest.mark.parametrize("pl", PLS)
def test_extract_untagged_block(pl):
    code = program(pl, "count-words")
    response = f"Solution:\n\n{fenced('', code)}\nThat's it."
    assert extract(response, pl) == Extraction(code.rstrip(), "", "untagged")


@pytest.mark.parametrize("pl", PLS)
def test_extract_skips_a_block_in_another_pl(pl):
    other, code = source_pl(pl), program(pl, "example")
    response = (
        f"The reference solution:\n\n{fenced(other, program(other, 'count-words'))}\n"
        f"Translated:\n\n{fenced(LANGUAGES[pl].aliases[0], code)}"
    )
    assert extract(response, pl).code == code.rstrip()


@pytest.mark.parametrize("pl", PLS)
def test_extract_prefers_the_clean_block_to_a_longer_broken_one(pl):
    code, broken = program(pl, "example"), truncated(program(pl, "count-words"))
    assert len(broken) > len(code.rstrip())
    blocks = [fenced(pl, broken), fenced(pl, code)]
    for response in ("First try:\n" + "\nFixed:\n".join(blocks), "\n".join(blocks[::-1])):
        assert extract(response, pl) == Extraction(code.rstrip(), "", "tagged")


@pytest.mark.parametrize("pl", PLS)
def test_extract_ignores_prose_around_code(pl):
    code = program(pl, "average")
    response = (
        "To solve this, read `n` and the values (all integers), then print the mean.\n\n"
        f"{fenced(pl, code)}\n"
        "### Explanation\n\n- We read the input.\n- We print `sum / n` with 6 decimals.\n"
    )
    assert extract(response, pl) == Extraction(code.rstrip(), "", "tagged")


@pytest.mark.parametrize("pl", PLS)
def test_extract_takes_a_response_that_is_only_code(pl):
    code = program(pl, "count-words")
    assert extract("\n" + code + "\n\n", pl) == Extraction(code.rstrip(), "", "whole_response")


@pytest.mark.parametrize("pl", PLS)
def test_truncated_response(pl):
    cut = truncated(program(pl, "count-words"))
    response = "Sure, here it is:\n\n" + fenced(pl, cut, close=False)
    found = extract(response, pl)
    assert found == Extraction(cut.rstrip(), "", "tagged")
    verdict = check(found.code, pl)
    assert not verdict.ok and verdict.error
    assert 1 <= verdict.line <= cut.count("\n") + 1 and verdict.column >= 1


@pytest.mark.parametrize("pl", PLS)
def test_source_pl_returned_instead_of_the_target(pl):
    other = source_pl(pl)
    for name in ("example", "count-words", "average"):
        code = program(other, name)
        assert extract(fenced(other, code), pl) == Extraction(None, "wrong_language_block")
        assert extract(fenced("", code), pl) == Extraction(None, "unparsable")
        verdict = check(code, pl, source_lang=other)
        assert not verdict.ok and verdict.wrong_language == other, name


@pytest.mark.parametrize("pl", PLS)
def test_no_code_at_all(pl):
    for response in PROSE:
        assert extract(response, pl) == Extraction(None, "no_code_block"), response
    assert extract(" \n\n", pl) == Extraction(None, "empty_response")
    sample_output = "Sample output:\n\n```text\n3\n```\n"
    assert extract(sample_output, pl) == Extraction(None, "no_code_block")


def test_reasons_tell_wrong_language_from_unparsable():
    java = program("java", "example")
    assert extract(fenced("java", java), "cpp").reason == "wrong_language_block"
    assert extract(fenced("", "int main() {\n  return 0;\n"), "cpp").reason == "unparsable"
    both = fenced("java", java) + fenced("", "int main( {")
    assert extract(both, "cpp").reason == "unparsable"


def test_extract_fence_details():
    code = "print(1)\nprint(2)"
    # A fence indented in a list item: its content is outdented by the same amount.
    listed = "1. Run this:\n\n   ```python\n   print(1)\n   print(2)\n   ```\n"
    assert extract(listed, "python").code == code
    # A longer fence holds a shorter one; the inner ``` lines are content.
    nested = "````python\nprint('''\n```\n''')\n````\n"
    assert extract(nested, "python").code == "print('''\n```\n''')"
    # Windows line ends, and a tag in another case.
    assert extract("```PY\r\nprint(1)\r\n```\r\n", "python").code == "print(1)"
    # Tagged beats untagged, even a longer untagged block.
    response = fenced("", code + "\nprint(3)") + fenced("python", code)
    assert extract(response, "python") == Extraction(code, "", "tagged")
    # Empty blocks do not count; ```text is not an untagged block.
    assert extract("```python\n```\n```text\nprint(1)\n```", "python").reason == "no_code_block"
    # Of two clean untagged blocks, the longer.
    assert extract(fenced("", "print(1)") + fenced("", code), "python").code == code


def test_extract_keeps_code_verbatim():
    code = "def f(x):\n\n    return  x  # spaces kept\n"
    found = extract(f"```python\n\n{code}\n\n```", "python")
    assert found.code == code.rstrip()


# --- check ---


@pytest.mark.parametrize("pl", PLS)
@pytest.mark.parametrize("name", ["example", "count-words", "average"])
def test_check_accepts_correct_programs(pl, name):
    assert check(program(pl, name), pl) == syntax.SyntaxCheck(True)


# (PL, the example with one closing bracket deleted, the line it was deleted from)
DELETED_BRACKET = [
    ("python", ("print(a + b)", "print(a + b"), 2),
    ("c", ("a + b);", "a + b;"), 6),
    ("java", ("println(a + b)", "println(a + b"), 7),
    ("go", ("Println(a + b)", "Println(a + b"), 8),
    ("rust", (".collect();", ".collect(;"), 6),
    ("lua", ("or (a + b))", "or (a + b)"), 2),
    ("kotlin", ("println(a + b)", "println(a + b"), 3),
    ("scala", ("println(a + b)", "println(a + b"), 4),
    ("csharp", ("long.Parse(p[1]))", "long.Parse(p[1])"), 6),
    ("typescript", ("String(a + b)", "String(a + b"), 3),
    ("d", ("writeln(p[0] + p[1])", "writeln(p[0] + p[1]"), 5),
    ("php", ("trim(fgets(STDIN))", "trim(fgets(STDIN)"), 2),
    ("perl", ("my ($a, $b)", "my ($a, $b"), 3),
    ("bash", ("$((a + b))", "$((a + b)"), 2),
    ("fortran", ("read(*,*) a, b", "read(*,* a, b"), 4),
    ("nim", ("parseBiggestInt(p[1])", "parseBiggestInt(p[1]"), 4),
]


@pytest.mark.parametrize(
    ("pl", "edit", "line"), DELETED_BRACKET, ids=[c[0] for c in DELETED_BRACKET]
)
def test_check_finds_a_deleted_bracket(pl, edit, line):
    example = program(pl, "example")
    assert edit[0] in example
    verdict = check(example.replace(edit[0], edit[1]), pl)
    assert not verdict.ok and verdict.line == line and verdict.column >= 1
    assert verdict.wrong_language is None


def test_check_error_position_and_message():
    assert check("x = 1\ny = (1,\n", "python") == syntax.SyntaxCheck(
        False, 'unexpected "y = (1,"', line=2, column=1
    )
    # Columns count characters, not bytes.
    verdict = check('int main() {\n    printf("é", 1;\n}\n', "c")
    assert (verdict.error, verdict.line, verdict.column) == ('missing ")"', 2, 18)


@pytest.mark.parametrize("pl", PLS)
def test_check_rejects_an_empty_program(pl):
    for code in ("", "  \n\t\n"):
        assert check(code, pl) == syntax.SyntaxCheck(False, "empty program")


def test_check_finds_a_deleted_end():
    # Without its `end` or `}`, a block swallows the rest of the file: tree-sitter reports
    # where its recovery starts (the block's opening, or the statement holding it).
    ruby = program("ruby", "count-words").replace("  puts line.split.size\nend", "  puts 1")
    assert (check(ruby, "ruby").line, check(ruby, "ruby").column) == (3, 13)  # `do |i|`
    lua = program("lua", "count-words")
    last_end = lua.rindex("end")
    assert check(lua[:last_end] + lua[last_end + 3 :], "lua").line == 1
    kotlin = program("kotlin", "example").rstrip()[:-1]
    assert check(kotlin, "kotlin").error == 'unexpected "fun main() {"'


def test_wrong_language_needs_an_error_or_an_idiom():
    # Valid Lua (and JavaScript) that also parses as Python: a clean parse wins.
    lua = 'print(io.read("n") + io.read("n"))'
    assert check(lua, "lua").ok
    assert check("console.log(require('fs').readFileSync(0, 'utf8'))", "javascript").ok
    # Python that parses cleanly as Ruby, Lua and JavaScript: its idioms give it away.
    py = program("python", "example")
    for pl in ("ruby", "lua", "javascript", "ocaml"):
        verdict = check(py, pl)
        assert verdict == syntax.SyntaxCheck(False, "wrong language", wrong_language="python")


def test_wrong_language_tries_the_source_pl_first():
    ruby = program("ruby", "example")
    assert check(ruby, "python", source_lang="ruby").wrong_language == "ruby"
    assert check(ruby, "python", source_lang="rb").wrong_language == "ruby"
    assert check(ruby, "python", source_lang=None).wrong_language is None  # not a common PL
    cpp = program("cpp", "example")
    assert check(cpp, "c", source_lang=None).wrong_language == "cpp"
    assert check(program("java", "example"), "csharp").wrong_language == "java"


def test_grammars_that_accept_anything_need_a_program_shape():
    assert check("Hello, world!\n", "php").error.startswith("no top-level php_tag")
    assert check("<?php echo 1;\n", "php").ok
    for pl in ("racket", "clojure"):
        verdict = check("Print the sum\n(+ 1 2)\n", pl)
        assert (verdict.ok, verdict.error, verdict.line) == (
            False,
            'bare symbol "Print" at the top level',
            1,
        )


def test_languages_by_alias_object_or_unknown():
    assert check("fn main() {}", "rs").ok and check("fn main() {}", LANGUAGES["rust"]).ok
    with pytest.raises(UnknownLanguageError):
        check("x", "brainfuck")


def test_a_pl_without_grammar():
    lang = replace(LANGUAGES["python"], grammar=None)
    assert check("this is ( not python", lang) == syntax.SyntaxCheck(True)
    assert check(" ", lang).error == "empty program"
    assert extract(fenced("", "a ( b"), lang) == Extraction("a ( b", "", "untagged")
    assert extract(fenced("rust", "fn main() {}"), lang).reason == "wrong_language_block"
    assert normalize("a  b\n\n c # d", lang).text == "a b c # d"


# --- normalize ---


@pytest.mark.parametrize("pl", PLS)
@pytest.mark.parametrize("name", ["example", "count-words", "average"])
def test_normalize_ignores_comments_blank_lines_and_spacing(pl, name):
    code = program(pl, name)
    noisy = messy(code, pl)
    assert noisy != code and check(noisy, pl).ok
    assert normalize(noisy, pl) == normalize(code, pl)
    assert "the end" not in normalize(noisy, pl).text
    assert re.fullmatch(r"[0-9a-f]{16}", normalize(code, pl).hash)


@pytest.mark.parametrize("pl", PLS)
def test_normalize_sees_a_changed_token(pl):
    code = program(pl, "example")
    plus = code.rindex("+")
    assert normalize(code[:plus] + "-" + code[plus + 1 :], pl).hash != normalize(code, pl).hash
    assert normalize(code.replace("a", "c"), pl).hash != normalize(code, pl).hash


@pytest.mark.parametrize("pl", PLS)
def test_normalize_keeps_spaces_inside_strings(pl):
    code = HELLO[pl]
    spaced = code.replace('"a b', '"a  b')
    assert check(code, pl).ok and check(spaced, pl).ok
    assert normalize(spaced, pl).hash != normalize(code, pl).hash
    assert '"a  b' in normalize(spaced, pl).text


def test_normalize_text():
    assert normalize('x  =  "a  b"  # c\n\n\ny = 1\n', "python").text == 'x = "a  b"\ny = 1'
    assert normalize("int x=1;/* c */int y =2;", "c").text == "int x = 1 ; int y = 2 ;"
    # Text that no syntax node covers is kept as tokens (Fortran's kind suffix).
    fortran = "program p\n  print *, 1000000007_8\nend program p\n"
    assert "print * , 1000000007 _ 8" in normalize(fortran, "fortran").text


PY_BODY = "for x in xs:\n{i}a(x)\n{i}if x:\n{i}{i}b(\n{i}{i}    x)\n{i}c = 1 + \\\n  2\n{j}d()\n"


def test_python_indentation():
    four = normalize(PY_BODY.format(i="    ", j="    "), "python")
    assert normalize(PY_BODY.format(i="  ", j="  "), "python") == four
    assert normalize(PY_BODY.format(i="\t", j="\t"), "python") == four
    assert four.text.splitlines() == [
        "for x in xs :",
        "\ta ( x )",
        "\tif x :",
        "\t\tb ( x )",
        "\tc = 1 + 2",
        "\td ( )",
    ]
    # d() moved out of the loop: another program.
    assert normalize(PY_BODY.format(i="    ", j=""), "python").hash != four.hash
    assert normalize("if x:\n    a()\n    b()\n", "python") != normalize(
        "if x:\n    a()\nb()\n", "python"
    )


def test_haskell_and_nim_indentation():
    hs = "main = do\n{i}x <- getLine\n{i}let y = x\n{i}{i}{i}z = y\n{i}putStrLn z\n"
    two, four = (normalize(hs.format(i=" " * n), "haskell") for n in (2, 4))
    assert two == four
    moved = hs.format(i="  ").replace("  putStrLn z", "putStrLn z")
    assert normalize(moved, "haskell") != two
    nim = "for i in 1..3:\n{i}echo i\n{j}echo 0\n"
    assert normalize(nim.format(i="  ", j="  "), "nim") == normalize(
        nim.format(i="    ", j="    "), "nim"
    )
    assert normalize(nim.format(i="  ", j=""), "nim") != normalize(
        nim.format(i="  ", j="  "), "nim"
    )
