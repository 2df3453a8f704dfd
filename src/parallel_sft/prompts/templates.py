"""The prompt texts. Changing any text here means bumping its version: the version and a
hash of every rendered chat are stored with each candidate, and completion caches are keyed
by the rendered chat, so old and new prompts never mix silently."""

TRANSLATE_VERSION = "translate/v1"
REPAIR_VERSION = "repair/v1"
SOLVE_VERSION = "solve/v1"
SOLVE_PARALLEL_VERSION = "solve-parallel/v1"
TRANSLATE_FUNCTION_VERSION = "translate-function/v1"
SOLVE_FUNCTION_VERSION = "solve-function/v1"
SOLVE_PARALLEL_FUNCTION_VERSION = "solve-parallel-function/v1"
COMPLETE_FUNCTION_VERSION = "complete-function/v1"  # the header alone, for base models

SYSTEM = (
    "You are an expert competitive programmer. You write complete, correct and efficient "
    "programs that compile with the stated toolchain, read standard input and write "
    "standard output exactly as the problem asks."
)

REQUIREMENTS = """\
## Requirements for the {target} program
- {conventions}
- Read the input from standard input and print the answer to standard output in exactly \
the format the problem asks for; print nothing else (no prompts, no debug output).
- Keep the algorithm and its time complexity; never hard-code answers."""

ANSWER_FORMAT = (
    "Answer with one complete {target} program in a single ```{tag} code block, and nothing else."
)

TRANSLATE = """\
Translate this {source} solution of a programming problem into {target}.

## Problem
{statement}

## {source} solution
```{source_tag}
{code}
```

{requirements}

{answer_format}"""

SOLVE = """\
Solve this programming problem in {target}.

## Problem
{statement}

{requirements}

{answer_format}"""

SOLVE_PARALLEL = """\
Solve this programming problem in each of these languages: {targets}.

## Problem
{statement}

{requirements}

Answer with one complete program per language, in the order given, each under a \
`### <language>` header and in its own fenced code block, and nothing else."""

PARALLEL_HEADER = "### {target}"

REPAIR_COMPILE = """\
Your {target} program does not compile. The compiler says:
```
{error}
```
Fix it. {answer_format}"""

REPAIR_TEST = """\
Your {target} program fails a test ({status}).

Input:
```
{input}
```
Expected output:
```
{expected}
```
Your program's output:
```
{got}
```
{error}Find the bug and fix it. {answer_format}"""

# Function problems: the answer is one function with the header the target's
# `FunctionSupport.header` writes (its types, its doc comment), not a program.

SYSTEM_FUNCTION = (
    "You are an expert programmer. You write correct, efficient functions that compile with "
    "the stated toolchain and do exactly what their documentation says."
)

FUNCTION_REQUIREMENTS = """\
## Requirements for the {target} function
- {conventions}
- Implement exactly this function, with this name, these parameter and return types:
```{tag}
{header}
```
- Write the function and any helpers or imports it needs, and nothing else: no main \
function, no reading input, {printing}, no tests or examples.
- Keep the algorithm and its time complexity; never hard-code answers."""

FUNCTION_ANSWER_FORMAT = (
    "Answer with the {target} function in a single ```{tag} code block, and nothing else."
)

TRANSLATE_FUNCTION = """\
Translate this {source} function into {target}.

## {source} function
```{source_tag}
{code}
```

{requirements}

{answer_format}"""

SOLVE_FUNCTION = """\
Write this function in {target}.

## Task
{statement}

{requirements}

{answer_format}"""

SOLVE_PARALLEL_FUNCTION = """\
Write this function in each of these languages: {targets}.

## Task
{statement}

{requirements}

Answer with the function in each language, in the order given, each under a \
`### <language>` header and in its own fenced code block, and nothing else."""

REPAIR_CALL = """\
Your {target} function fails a test ({status}): {detail}
{error}Find the bug and fix it. {answer_format}"""
