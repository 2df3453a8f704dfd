"""Tree-sitter checks that turn raw LLM text into a program worth executing.

`extract` picks the program out of a model response, `check` gives a syntax verdict and
flags code written in the wrong PL, `normalize` gives comment- and whitespace-free text and
its hash for dedup. Grammars come bundled with tree-sitter-language-pack; each process keeps
one parser per grammar (py-tree-sitter holds the GIL while parsing: fan out with processes).
A PL whose `grammar` is None gets tag matching only, ``ok=True`` and whitespace collapsing.

Known limits:

- Some grammars accept almost any text: PHP prints what is outside ``<?php``, Racket and
  Clojure read prose as symbols, and Bash, R, Ruby, Perl, Scala, Haskell, OCaml and Nim
  read many sentences as code. A clean parse therefore also needs a ``<?php`` tag in PHP and
  no bare top-level symbol in Racket and Clojure, and an unfenced response counts as code
  only if no line reads as a sentence (so unfenced code with prose-like docstrings fails).
- Wrong language is a guess. Code that fails to parse in the target but parses cleanly in
  the source PL or a `COMMON_LANGUAGES` PL is flagged as that PL. Code the target parses
  cleanly (short Python does in JavaScript, TypeScript, Ruby, Lua, OCaml) is flagged only if
  it parses as Python too and uses a Python idiom (``input()``, ``sys.stdin``, ``def f():``,
  ``import x``, ``__name__``, ``print(f"``). Code valid in both PLs without such an idiom,
  and code from PLs outside that list (Kotlin for Scala), pass: compiling them fails instead.
- `normalize` joins tokens with single spaces, so where a newline or space ends a statement
  (Bash ``echo a`` newline ``echo b`` vs ``echo a echo b``; JavaScript's automatic
  semicolons) two programs can normalize alike; Python, Haskell and Nim keep line breaks and
  indentation levels. Literals (string, char, regex, heredoc) are verbatim tokens, as are a
  few nodes named like them (OCaml ``s.[i]``, Fortran ``character(len=n)``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from tree_sitter import Node, Parser
from tree_sitter_language_pack import get_parser

from ..languages import LANGUAGES, Language, find_language, get_language

# Checked, after the source PL, for code that fails to parse in its target.
COMMON_LANGUAGES = ("python", "javascript", "cpp", "java", "c")


@cache
def _idioms(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.MULTILINE)


_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*?)\s*$")
_CLOSE = re.compile(r"^[ \t]*(`{3,}|~{3,})\s*$")
_SENTENCE_START = re.compile(r"[A-Z][a-z'’]*[,.!?:]?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[,.!?:;]?")
_COMMENT = re.compile(r"comment|haddock")
_LITERAL = re.compile(r"string|str_lit|char|heredoc|nowdoc|regex|rune|sigil|quoted")
_OPENERS, _CLOSERS = frozenset("([{"), frozenset(")]}")
_REGISTRY_TAGS = frozenset(tag.lower() for lang in LANGUAGES.values() for tag in lang.tags)


@dataclass(frozen=True)
class Extraction:
    code: str | None  # the program to run, None when nothing qualified
    reason: str = ""  # why code is None: a short snake_case reason
    source: str = ""  # "tagged", "untagged", "whole_response" or ""


@dataclass(frozen=True)
class SyntaxCheck:
    ok: bool
    error: str = ""  # the first error, "" when ok
    line: int | None = None  # 1-based position of the first ERROR or MISSING node
    column: int | None = None
    wrong_language: str | None = None  # registry name of the PL the code seems to be in


@dataclass(frozen=True)
class Normalized:
    text: str
    hash: str  # first 16 hex digits of the sha256 of text


def extract(response: str, lang: Language | str) -> Extraction:
    """The code to run, out of a model response.

    Preference: fenced blocks tagged with one of the PL's tags (the one with the fewest
    syntax errors, then the longest); then untagged blocks that parse cleanly and do not
    look like Python (see `check`), the longest; then a response without fences, if it
    parses cleanly and holds no prose. A final unterminated fence (a truncated response)
    opens a block too.

    Args:
        response: the raw model text.
        lang: a registry `Language`, or any name or alias of one.

    Returns:
        An `Extraction`; when ``code`` is None, ``reason`` is ``empty_response``,
        ``unparsable`` (untagged blocks, none parses), ``wrong_language_block`` (blocks
        tagged with other registry PLs only) or ``no_code_block``.

    Example:
        >>> extract("Here:\\n```py\\nprint(1)\\n```\\nDone.", "python")
        Extraction(code='print(1)', reason='', source='tagged')
        >>> extract("```java\\nclass A {}\\n```", "python").reason
        'wrong_language_block'
    """
    lang = _resolve(lang)
    if not response.strip():
        return Extraction(None, "empty_response")
    fenced = _blocks(response)
    blocks = [(tag, code) for tag, code in fenced if code]
    tags = {tag.lower() for tag in lang.tags}
    tagged = [code for tag, code in blocks if tag in tags]
    if tagged:
        return Extraction(min(tagged, key=lambda c: (_flaw_count(c, lang), -len(c))), "", "tagged")
    untagged = [code for tag, code in blocks if not tag]
    clean = [code for code in untagged if _clean(code, lang)]
    if clean:
        return Extraction(max(clean, key=len), "", "untagged")
    whole = _tidy(response)
    if not fenced and _clean(whole, lang) and not any(map(_is_prose, whole.split("\n"))):
        return Extraction(whole, "", "whole_response")
    if untagged:
        return Extraction(None, "unparsable")
    if any(tag in _REGISTRY_TAGS for tag, _ in blocks):
        return Extraction(None, "wrong_language_block")
    return Extraction(None, "no_code_block")


def check(code: str, lang: Language | str, *, source_lang: str | None = "python") -> SyntaxCheck:
    """Syntax verdict for a program, with a guess at the PL it is really written in.

    Args:
        code: the program.
        lang: the target PL (a registry `Language`, or any name or alias of one).
        source_lang: the PL the model translated from, tried first when guessing; None
            tries only `COMMON_LANGUAGES`.

    Returns:
        A `SyntaxCheck`: ``ok``, the first error with its 1-based line and column, and
        ``wrong_language`` when the code parses as another PL (see the module docstring).

    Example:
        >>> check("int main() { return 0; }", "c")
        SyntaxCheck(ok=True, error='', line=None, column=None, wrong_language=None)
        >>> check("int main() {\\n  return 0;\\n", "c")
        SyntaxCheck(ok=False, error='missing "}"', line=2, column=12, wrong_language=None)
        >>> check("def f(x):\\n    return x\\n", "rust").wrong_language
        'python'
    """
    lang = _resolve(lang)
    if not code.strip():
        return SyntaxCheck(False, "empty program")
    if lang.grammar is None:
        return SyntaxCheck(True)
    source = code.encode(errors="replace")
    flaws = _flaws(source, lang)
    other = _other_language(code, lang, source_lang, clean_in_target=not flaws)
    if not flaws:
        if other is None:
            return SyntaxCheck(True)
        return SyntaxCheck(False, "wrong language", wrong_language=other)
    offset, error = flaws[0]
    prefix = source[:offset].decode(errors="replace")
    line, column = prefix.count("\n") + 1, len(prefix) - prefix.rfind("\n")
    return SyntaxCheck(False, error, line, column, other)


def normalize(code: str, lang: Language | str) -> Normalized:
    """The program as its tokens, without comments, in canonical whitespace, and a hash.

    Tokens (syntax-tree leaves; literals whole and verbatim) are joined by single spaces.
    Off-side-rule PLs (Python, Haskell, Nim) keep one line per logical line, indented by
    one tab per indentation level. Programs that differ only in comments, blank lines and
    spacing get the same text; programs that differ in a token do not.

    Args:
        code: the program.
        lang: a registry `Language`, or any name or alias of one.

    Returns:
        A `Normalized` with ``text`` and ``hash`` (16 hex digits of its sha256).

    Example:
        >>> normalize("int x=1; // one\\n\\nint  y = x;", "c").text
        'int x = 1 ; int y = x ;'
        >>> normalize("if x:\\n  y()  # why\\nz( )", "python").text
        'if x :\\n\\ty ( )\\nz ( )'
    """
    lang = _resolve(lang)
    if lang.grammar is None:
        text = " ".join(code.split())
    else:
        source = code.encode(errors="replace")
        tokens = list(_tokens(_parser(lang.grammar).parse(source).root_node, source))
        if lang.layout:
            text = _layout(tokens, source)
        else:
            text = " ".join(token for token, _, _ in tokens)
    return Normalized(text, hashlib.sha256(text.encode()).hexdigest()[:16])


def _resolve(lang: Language | str) -> Language:
    return lang if isinstance(lang, Language) else get_language(lang)


@cache
def _parser(grammar: str) -> Parser:
    return get_parser(grammar)


def _tidy(text: str) -> str:
    """Without leading blank lines and trailing whitespace."""
    return re.sub(r"\A(?:[ \t]*\r?\n)+", "", text).rstrip()


def _blocks(response: str) -> list[tuple[str, str]]:
    """(tag, code) of every fenced block: tag is the info string's first word, lowercased."""
    lines, blocks, i = response.split("\n"), [], 0
    while i < len(lines):
        opening = _OPEN.match(lines[i])
        i += 1
        if not opening or (opening[2][0] == "`" and "`" in opening[3]):
            continue
        indent, fence, info = opening.groups()
        body = []
        while i < len(lines):
            closing = _CLOSE.match(lines[i])
            if closing and closing[1][0] == fence[0] and len(closing[1]) >= len(fence):
                break
            body.append(lines[i])
            i += 1
        i += 1  # past the closing fence, or past the end when the response was cut
        outdent = re.compile(rf"^[ \t]{{0,{len(indent)}}}")
        code = _tidy("\n".join(outdent.sub("", line, count=1) for line in body))
        blocks.append((info.split()[0].lower() if info else "", code))
    return blocks


def _is_prose(line: str) -> bool:
    """Whether a line reads as an English sentence: a capitalised word, then mostly words."""
    words = line.split()
    if len(words) < 4 or not _SENTENCE_START.fullmatch(words[0]):
        return False
    return sum(bool(_WORD.fullmatch(w)) for w in words) >= 0.75 * len(words)


def _clean(code: str, lang: Language) -> bool:
    """Parses cleanly, and is not Python that the target's grammar happens to accept."""
    if lang.grammar is None:
        return True
    return not _flaw_count(code, lang) and not _other_language(
        code, lang, None, clean_in_target=True
    )


def _flaw_count(code: str, lang: Language) -> int:
    return len(_flaws(code.encode(errors="replace"), lang))


def _flaws(source: bytes, lang: Language) -> list[tuple[int, str]]:
    """(byte offset, description) of each ERROR and MISSING node in document order, then
    of a program shape no real program has; [] for a clean parse (or no grammar)."""
    if lang.grammar is None:
        return []
    root = _parser(lang.grammar).parse(source).root_node
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.is_missing:
            found.append((node.start_byte, f'missing "{node.type}"'))
        elif node.is_error:
            text = source[node.start_byte : node.end_byte].decode(errors="replace")
            snippet = text.strip().split("\n")[0][:40]
            found.append((node.start_byte, f'unexpected "{snippet}"' if snippet else "bad syntax"))
        if node.has_error:
            stack.extend(reversed(node.children))
    required = lang.required_top_node
    if required and not any(c.type == required for c in root.children):
        found.append((0, f"no top-level {required}: the text is not a {lang.display} program"))
    forbidden = lang.forbidden_top_node
    bare = next((c for c in root.named_children if c.type == forbidden), None)
    if bare is not None:
        text = source[bare.start_byte : bare.end_byte].decode(errors="replace")
        found.append((bare.start_byte, f'bare symbol "{text}" at the top level'))
    return found


def _other_language(
    code: str, lang: Language, source_lang: str | None, *, clean_in_target: bool
) -> str | None:
    """The first of the source PL and `COMMON_LANGUAGES` that parses the code cleanly. When
    the target parses it cleanly too, only a PL whose idioms the code uses counts."""
    names = (source_lang, *COMMON_LANGUAGES) if source_lang else COMMON_LANGUAGES
    known = [lang for lang in map(find_language, names) if lang is not None]
    for other in dict.fromkeys(known):
        if other.name == lang.name or other.grammar is None:
            continue
        idioms = other.idioms and _idioms(other.idioms)
        if clean_in_target and (not idioms or not idioms.search(code)):
            continue
        if not _flaw_count(code, other):
            return other.name
    return None


def _tokens(root: Node, source: bytes) -> Iterator[tuple[str, int, int]]:
    """(text, start byte, end byte) of each token in document order, comments left out.

    Literal nodes are one verbatim token; text that no child node covers (Fortran's
    ``_8`` kind suffix) gives a token per word, so no token is ever lost.
    """
    stack: list[Node | tuple[str, int, int]] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            yield item
            continue
        if _COMMENT.search(item.type):
            continue
        if not item.children or _LITERAL.search(item.type):
            text = source[item.start_byte : item.end_byte].decode(errors="replace")
            text = text if _LITERAL.search(item.type) else text.strip()
            if text:
                yield text, item.start_byte, item.end_byte
            continue
        pieces: list[Node | tuple[str, int, int]] = []
        position = item.start_byte
        for child in [*item.children, None]:
            end = item.end_byte if child is None else child.start_byte
            for word in re.finditer(rb"\S+", source[position:end]):
                text = word[0].decode(errors="replace")
                pieces.append((text, position + word.start(), position + word.end()))
            if child is not None:
                pieces.append(child)
                position = child.end_byte
        stack.extend(reversed(pieces))


def _layout(tokens: list[tuple[str, int, int]], source: bytes) -> str:
    """One line per logical line (brackets and backslashes join physical lines), each
    indented by one tab per indentation level."""
    starts = [0, *(m.end() for m in re.finditer(b"\n", source))]
    lines: list[tuple[int, list[str]]] = []  # (indent width, tokens)
    depth, last_row, joined = 0, -1, False
    for text, start, end in tokens:
        if text == "\\":  # Python's line continuation
            joined = True
            continue
        row = bisect_right(starts, start) - 1
        if not lines or (row > last_row and not depth and not joined):
            indent = source[starts[row] : start].decode(errors="replace").expandtabs(8)
            lines.append((len(indent), []))
        lines[-1][1].append(text)
        depth = max(0, depth + (text in _OPENERS) - (text in _CLOSERS))
        last_row, joined = bisect_right(starts, end - 1) - 1, False
    widths, out = [0], []
    for width, words in lines:
        while width < widths[-1]:
            widths.pop()
        if width > widths[-1]:
            widths.append(width)
        out.append("\t" * (len(widths) - 1) + " ".join(words))
    return "\n".join(out)
