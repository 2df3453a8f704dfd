"""Multi-HumanEval (Athiwaratkun et al., 2023): HumanEval in a dozen PLs, in the mxeval
schema (see `mbxp.py`); task ids "HumanEval_<lang>/<n>", problems
``multi-humaneval/<n>``. Most of its PLs carry no canonical solution; the Python rows are
HumanEval's own. Hub: ``mxeval/multi-humaneval``, one config per PL."""

from __future__ import annotations

from .mbxp import CONFIGS, load_for

SOURCE = "multi-humaneval"
HUB_ID = "mxeval/multi-humaneval"
ONLY_SPLIT = "test"
HUB_CONFIGS = CONFIGS
load = load_for(SOURCE)
