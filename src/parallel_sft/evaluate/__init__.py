"""Evaluation (`psft eval`): pass@k per PL on held-out problems, and the transfer table.

passk.py    the unbiased pass@k estimator and a bootstrap interval over problems
run.py      run_eval: prompts -> samples -> sandboxed verdicts, resumable, per run dir
score.py    samples -> pass@k per PL (summary.json, results.md); re-scoring a saved run
compare.py  several runs -> the transfer table, a grouped bar chart, the verdict mix
cli.py      `psft eval`, `psft eval score`, `psft eval compare`
"""
