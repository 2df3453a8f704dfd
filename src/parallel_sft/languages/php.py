"""PHP (CLI). ``php -l`` lints; PHP's own memory_limit is set to the run's limit so that
running out is reported by PHP ("Allowed memory size ... exhausted") as MEMORY_LIMIT."""

from .base import Language

LANGUAGE = Language(
    name="php",
    display="PHP",
    aliases=("php8",),
    source_file="main.php",
    compile=("php", "-l", "{src}"),
    compiled=False,
    run=(
        "php",
        "-d",
        "memory_limit={memory_mb}M",
        "-d",
        "display_errors=stderr",
        "-d",
        "log_errors=0",
        "{src}",
    ),
    tools=("php",),
    debian_packages=("php-cli",),
    grammar="php",
    required_top_node="php_tag",  # outside <?php ... ?> text is printed, not run
    fence_tags=("PHP",),
    oom_markers=("Allowed memory size of", "Out of memory"),
    conventions=(
        "PHP 8.2 CLI: the file starts with `<?php`; read with fgets(STDIN), fscanf(STDIN, ...) "
        "or stream_get_contents(STDIN); write with echo. No extensions beyond the core."
    ),
    example='<?php\n[$a, $b] = array_map("intval", preg_split("/\\s+/", trim(fgets(STDIN))));\n'
    'echo $a + $b, "\\n";\n',
)
