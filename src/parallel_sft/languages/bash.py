"""Bash scripts. ``bash -n`` parses without running. Only coreutils-level tools are on the
sandbox's PATH that the host has; the conventions ask for builtins."""

from .base import Language

LANGUAGE = Language(
    name="bash",
    display="Bash",
    aliases=("sh", "shell", "zsh"),
    source_file="main.sh",
    compile=("bash", "-n", "{src}"),
    compiled=False,
    run=("bash", "{src}"),
    tools=("bash",),
    debian_packages=("bash",),
    grammar="bash",
    fence_tags=("Bash", "console", "shell-script"),
    time_factor=3.0,
    oom_markers=("cannot allocate memory",),
    conventions=(
        "Bash 5.2 script: read with `read`, compute with $(( )) integer arithmetic, write "
        "with echo or printf. Prefer builtins; coreutils and awk may be used, nothing else."
    ),
    example="read -r a b\necho $((a + b))\n",
)
