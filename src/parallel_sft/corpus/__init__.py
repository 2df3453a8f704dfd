"""Building, exporting and publishing a verified parallel corpus (`psft corpus ...`).

    config.py         BuildConfig (what changes the dataset) and BuildDir (the output
                      directory, its .build/ state, resume-or-refuse)
    problems.py       load the source, decontaminate, check references
    decontaminate.py  word n-gram overlap with an evaluation set
    build.py          build_corpus: the thin orchestration, sharded and resumable
    selection.py      keep up to --keep verified programs, without duplicates
    export.py         the HF dataset: a config per PL, parallel, candidates; train/test
    stats.py          the funnel (polars), for the card and `psft corpus stats`
    read.py           a built corpus read back; problem sets for RL and evaluation
    publish.py        upload to the Hub
    cli.py            psft corpus build / stats / publish

Modules are imported where used (not re-exported here) so that `psft --help` stays fast.
"""
