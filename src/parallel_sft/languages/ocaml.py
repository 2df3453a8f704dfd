"""OCaml, compiled natively with ocamlopt (standard library plus Str)."""

from .base import Language

LANGUAGE = Language(
    name="ocaml",
    display="OCaml",
    aliases=("ml",),
    source_file="main.ml",
    compile=("ocamlfind", "ocamlopt", "-package", "str", "-linkpkg", "-o", "main", "{src}"),
    run=("./main",),
    tools=("ocamlfind", "ocamlopt"),
    version_args=("ocamlopt", "-version"),
    debian_packages=("ocaml-nox", "ocaml-findlib"),
    grammar="ocaml",
    fence_tags=("OCaml",),
    oom_markers=("Out_of_memory",),
    conventions=(
        "OCaml 4.13 compiled with ocamlopt: top-level definitions ending with `let () = ...`; "
        'read with Scanf.scanf " %d" or read_line, write with Printf.printf or '
        "print_endline. Standard library and Str only."
    ),
    example='let () = Scanf.scanf " %d %d" (fun a b -> Printf.printf "%d\\n" (a + b))\n',
)
