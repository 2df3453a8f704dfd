"""In-process vLLM (`vllm.LLM`) for one-box GPU runs: the whole batch goes to the engine in
one `llm.chat` call, which applies the model's chat template and schedules every request
with continuous batching. For several boxes, or to share one model between jobs, run
`vllm serve MODEL` and use the openai backend instead.

vllm is imported only when this backend is built (`pip install 'parallel-sft[vllm]'`; it
needs a CUDA build of torch). `model` is what `vllm.LLM` takes (a Hub id or a checkpoint
directory); None means the embedded SmolLM2-135M-Instruct. Further options go to
`vllm.LLM` as engine arguments (`tensor_parallel_size`, `gpu_memory_utilization`,
`max_model_len`, `dtype`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .base import Backend, Chat, Completion, MissingDependencyError, SamplingParams
from .embedded import DEFAULT_MODEL_NAME, default_model_path


def vllm_sampling_kwargs(params: SamplingParams) -> dict:
    """Our SamplingParams as keyword arguments of `vllm.SamplingParams`.

    Greedy decoding (temperature 0) asks for one sequence: the `n` copies are made by
    `VLLMBackend.generate`, since vLLM's greedy sampling would compute the same one n times.

    >>> vllm_sampling_kwargs(SamplingParams(n=4, temperature=0.7, top_p=0.9, max_tokens=64, seed=3))
    {'n': 4, 'temperature': 0.7, 'top_p': 0.9, 'max_tokens': 64, 'seed': 3}
    >>> vllm_sampling_kwargs(SamplingParams(n=4, temperature=0.0))["n"]
    1
    """
    greedy = params.temperature == 0
    return {
        "n": 1 if greedy else params.n,
        "temperature": params.temperature,
        "top_p": 1.0 if greedy else params.top_p,
        "max_tokens": params.max_tokens,
        "seed": params.seed,
    }


class VLLMBackend(Backend):
    name = "vllm"

    def __init__(self, model: str | None = None, **engine_options):
        try:
            import vllm
        except ImportError:
            raise MissingDependencyError("vllm", "vllm", "vllm") from None
        self._vllm = vllm
        self.model = model or DEFAULT_MODEL_NAME
        self.llm = vllm.LLM(model=model or str(default_model_path()), **engine_options)

    def generate(self, chats: Sequence[Chat], params: SamplingParams) -> list[list[Completion]]:
        if not chats:
            return []
        sampling = self._vllm.SamplingParams(**vllm_sampling_kwargs(params))
        outputs = self.llm.chat(list(chats), sampling, use_tqdm=False)
        return [_completions(output, params.n) for output in outputs]

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
