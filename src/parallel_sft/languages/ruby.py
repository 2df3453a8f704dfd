"""Ruby (MRI). ``ruby -c`` checks syntax without running."""

from .base import Language

LANGUAGE = Language(
    name="ruby",
    display="Ruby",
    aliases=("rb",),
    source_file="main.rb",
    compile=("ruby", "-c", "{src}"),
    compiled=False,
    run=("ruby", "{src}"),
    tools=("ruby",),
    debian_packages=("ruby",),
    grammar="ruby",
    fence_tags=("Ruby",),
    time_factor=1.5,
    oom_markers=("NoMemoryError", "failed to allocate memory"),
    conventions=(
        "Ruby 3.1: read with gets or STDIN.read, write with puts/print. Standard library "
        "only (no gems)."
    ),
    example="a, b = gets.split.map(&:to_i)\nputs a + b\n",
)
