"""Problems we wrote ourselves, bundled so that every command works offline by default."""

from __future__ import annotations

import json
from pathlib import Path

from ..records import Problem

SAMPLE_PATH = Path(__file__).with_name("problems.jsonl")


def load_sample_problems() -> list[Problem]:
    with open(SAMPLE_PATH, encoding="utf-8") as f:
        return [Problem.from_dict(json.loads(line)) for line in f if line.strip()]
