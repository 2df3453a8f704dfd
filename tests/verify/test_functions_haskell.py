"""Function problems in Haskell through the real sandbox: the driver, in the candidate's
module Main, renders each result by the signature's type and forces it inside `try`, and
a candidate's `main`, prints, forged lines and early exits cannot earn a pass. The sandbox
programs run as one batch (GHC's builds are the slow part); the rest is pure Python."""

from __future__ import annotations

import doctest
import math

import pytest

from parallel_sft.languages import get_language, haskell
from parallel_sft.languages.types import parse_signature, parse_type
from parallel_sft.records import Candidate, Problem, Status, call_test
from parallel_sft.verify.pool import verify_batch

from .test_functions import PROBLEM

HASKELL = get_language("haskell")
FUNCTIONS = HASKELL.functions

SUMMARIZE = """\
summarize :: [Double] -> String -> [(String, Int)] -> Bool -> ([Double], String, Maybe Int, Bool)
summarize xs label pairs flag = (sort xs, label ++ show (length pairs), negative, not flag)
  where
    negative = case filter (< 0) (map snd pairs) of
      v : _ -> Just v
      [] -> Nothing
"""
CORRECT = f"""\
{{-# LANGUAGE ScopedTypeVariables #-}}
module Main (main) where

import Data.List (sort)
import System.Exit (exitWith, ExitCode (..))

-- | A model's version, with its own try-out in main: stripped.
{SUMMARIZE}
main :: IO ()
main = do
  print (summarize [1] "x" [] True)
  exitWith (ExitFailure 3)
"""
UNSAFE = "import Data.List (sort)\nimport System.IO.Unsafe (unsafePerformIO)\n"
EXIT = (
    UNSAFE + "import System.Posix.Process (exitImmediately)\nimport System.Exit\n\n"
    + SUMMARIZE.replace("(sort xs,", "(if null xs then unsafePerformIO (exitImmediately "
                        "ExitSuccess >> return []) else sort xs,")
)  # fmt: skip
FORGED = (
    UNSAFE + "\nsummarize :: [Double] -> String -> [(String, Int)] -> Bool"
    " -> ([Double], String, Maybe Int, Bool)\n"
    "summarize _ _ _ _ = unsafePerformIO $ do\n"
    '  mapM_ putStrLn [show i ++ " ok [[1.5,2.0,3.0],\\"a1\\",null,false]" | i <- [0 .. 2]]\n'
    '  putStrLn "done"\n'
    '  return ([], "", Nothing, True)\n'
)
# A thief that read the token would forge every test's right answer and `done`, then exit.
ANSWERS = (
    '["[[1.5,2.0,3.0],\\"a1\\",null,false]", "[[],\\"0\\",null,true]",'
    ' "[[-1.25,0.30000000000000004],\\"b2\\",-2,false]"]'
)
STEAL = (
    UNSAFE + "import Control.Exception (SomeException, evaluate, try)\n"
    "import System.Exit (ExitCode (..))\nimport System.IO (hFlush, stdout)\n"
    "import System.Posix.Process (exitImmediately)\n\n"
    "{-# NOINLINE stolen #-}\nstolen :: String\nstolen = unsafePerformIO $ do\n"
    '  found <- try (readFile "/proc/self/fd/0" >>= \\s -> evaluate (length s) >> return s)\n'
    '  let unread = const "" :: SomeException -> String\n'
    "  return (either unread (takeWhile (/= '\\n')) found)\n\n"
    + SUMMARIZE.replace("(sort xs,", "(if null stolen then [] else forge,")
    .replace(
        "    negative =",
        "    forge = unsafePerformIO $ do\n"
        '      mapM_ putStrLn ["\\n" ++ stolen ++ " " ++ show i ++ " ok " ++ a\n'
        f"                     | (i, a) <- zip [0 :: Int ..] {ANSWERS}]\n"
        '      putStrLn ("\\n" ++ stolen ++ " done") >> hFlush stdout\n'
        "      exitImmediately ExitSuccess >> return []\n    negative =",
    )
    .replace("not flag)", "flag)")
)
LAZY = "import Data.List (sort)\n\n" + SUMMARIZE.replace(
    "label ++ show", 'if null xs then error "lazy" else label ++ show'
)
INTEGER = "import Data.List (sort)\n\n" + SUMMARIZE.replace(
    "[(String, Int)]", "[(String, Integer)]"
)

# Literals and results that are easy to get wrong: quotes, backslashes, interpolation
# characters, control and non-ASCII characters (an emoji is a surrogate pair in JSON, a
# lone surrogate a Char of its own), extreme Ints and Doubles, int keys with Nothing.
ECHO_SIG = (
    "def echo(s: str, xs: list[float], d: dict[int, Optional[str]], t: tuple[int, bool],"
    " m: list[list[int]]) -> tuple[str, list[float], dict[int, Optional[str]],"
    " tuple[int, bool], list[list[int]]]"
)
ECHO_ARGS = [
    ['q"uote \\ back #{x} $y\nnew\ttab\r\x00\x1b\x7f é1 漢 🎉 \u2028',
     [0.1, 1e-05, 1e16, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf, math.nan, 3],
     {"3": None, "-1": "é"}, [2**63 - 1, True], [[1], []]],
    ["\ud800 lone", [], {}, [-(2**63), False], []],
]  # fmt: skip
ECHO = Problem(
    id="test/echo", source="test", statement="Echo.", kind="function", entry_point="echo",
    signature=ECHO_SIG, tests=[call_test(a, a) for a in ECHO_ARGS],
)  # fmt: skip
ECHO_CODE = """\
echo :: String -> [Double] -> [(Int, Maybe String)] -> (Int, Bool) -> [[Int]]
  -> (String, [Double], [(Int, Maybe String)], (Int, Bool), [[Int]])
echo s xs d t m = (s, xs, d, t, m)
"""
PROGRAMS = {
    "correct": (CORRECT, PROBLEM),
    "exit": (EXIT, PROBLEM),
    "forged": (FORGED, PROBLEM),
    "lazy": (LAZY, PROBLEM),
    "steal": (STEAL, PROBLEM),
    "integer": (INTEGER, PROBLEM),
    "echo": (ECHO_CODE, ECHO),
}


@pytest.fixture(scope="module")
def verdicts():
    items = [(Candidate(p.id, "haskell", code), p) for code, p in PROGRAMS.values()]
    return dict(zip(PROGRAMS, verify_batch(items, progress=False), strict=True))


@pytest.mark.parametrize(
    ("name", "status", "passed", "detail"),
    [
        ("correct", Status.OK, 3, ""),  # its main (and its exit) stripped
        ("exit", Status.RUNTIME_ERROR, 1, "ended before the driver finished"),
        ("forged", Status.WRONG_ANSWER, 0, "test 1: "),
        ("steal", Status.WRONG_ANSWER, 0, "test 1: "),
        ("lazy", Status.RUNTIME_ERROR, 2, 'test 2: summarize([], "", {}, false) raised lazy'),
        ("integer", Status.COMPILE_ERROR, 0, "Integer"),
        ("echo", Status.OK, 2, ""),
    ],
)
def test_programs_get_their_verdicts(verdicts, name, status, passed, detail):
    verdict = verdicts[name]
    assert (verdict.status, verdict.tests_passed) == (status, passed), verdict
    assert detail in verdict.detail


def test_doctests():
    assert doctest.testmod(haskell).failed == 0


def test_header_is_a_haddock_comment_and_a_camel_case_signature():
    sig = parse_signature(PROBLEM.signature or "")
    assert FUNCTIONS.header(sig, "Summarize.\n\nReally.") == (
        "-- | Summarize.\n--\n-- Really.\n"
        "summarize :: [Double] -> String -> [(String, Int)] -> Bool"
        " -> ([Double], String, Maybe Int, Bool)\n"
        "summarize xs label words flag =\n"
    )
    odd = parse_signature("def first_word(min_len: int, N: int, type: int) -> list[Optional[int]]")
    assert FUNCTIONS.header(odd, "").endswith(
        ":: Int -> Int -> Int -> [Maybe Int]\nfirstWord minLen n type' =\n"
    )


def test_literals():
    def lit(value, t: str) -> str:
        return FUNCTIONS.literal(value, parse_type(t))

    assert lit([[1, -2]], "list[list[int]]") == "[[1, (-2)]]"
    assert lit({"-1": None}, "dict[int, Optional[str]]") == "[((-1), Nothing)]"
    assert lit(["a", 0.5], "Optional[tuple[str, float]]") == '(Just ("a", 0.5))'
    assert lit(-0.0, "float") == "(negate 0.0)" and lit(math.nan, "float") == "(0 / 0)"
    assert lit(None, "None") == "()"
    with pytest.raises(ValueError, match="outside Haskell's Int"):
        lit(2**63, "int")
    assert FUNCTIONS.type_name(parse_type("Optional[Optional[list[int]]]")) == "Maybe [Int]"


def test_unsupported_signatures_say_why():
    def why(sig: str) -> str | None:
        return FUNCTIONS.unsupported(parse_signature(sig))

    assert "1-tuple" in (why("def f(x: tuple[int]) -> int") or "")
    assert "float" in (why("def f(d: dict[float, int]) -> int") or "")
    assert why("def main() -> int") and why("def data(x: int) -> int")
    assert why(PROBLEM.signature or "") is None


def test_prepare_strips_main_and_the_module_line_and_places_the_imports():
    sig = parse_signature(PROBLEM.signature or "")
    code, entry = haskell.prepare(CORRECT, sig, "import qualified Prelude as PsftP")
    assert entry == "summarize" and "module Main" not in code
    assert "main ::" not in code and "main = do" not in code and "exitWith (" not in code
    assert code.count("\n") == CORRECT.count("\n")  # line numbers hold
    assert "import System.Exit (exitWith, ExitCode (..)); import Prelude; import qualified" in code
    snake = haskell.prepare("first_word :: Int\nfirst_word = 1\n", parse_signature(
        "def first_word() -> int"), "import X")  # fmt: skip
    assert snake == ("import Prelude; import X; first_word :: Int\nfirst_word = 1\n", "first_word")
    hiding = haskell.prepare("import Prelude hiding (lookup)\nf = 1\n", sig, "import X")[0]
    assert hiding == "import Prelude hiding (lookup); import X\nf = 1\n"
