"""Run as a script (tests/train/test_rl_vllm.py starts it in a child process, since a
colocated vLLM engine sets up torch.distributed in its process): does the CPU weight sync
of `train/vllm_cpu.py` make TRL's colocated vLLM follow the trained weights?

It builds TRL's GRPOTrainer with colocated vLLM on the checkpoint given as argv[1],
compares vLLM's prompt log-probabilities with transformers' on a fixed text, then
perturbs every trained weight by x(1 + 0.2 N(0, 1)), compares again before and after
`sync_weights`, and prints the three mean absolute differences as JSON.
"""

from __future__ import annotations

import json
import sys


def main(checkpoint: str, out: str) -> None:
    import datasets
    import torch
    import transformers
    from trl import GRPOConfig, GRPOTrainer
    from vllm import SamplingParams

    from parallel_sft.train.vllm_cpu import cpu_colocate_shims

    tokenizer = transformers.AutoTokenizer.from_pretrained(checkpoint)
    model = transformers.AutoModelForCausalLM.from_pretrained(checkpoint, dtype="float32")
    prompts = [{"prompt": [{"role": "user", "content": "Say hi."}]}] * 2
    args = GRPOConfig(
        output_dir=out, max_steps=1, per_device_train_batch_size=2, num_generations=2,
        max_completion_length=8, report_to="none", bf16=False, use_cpu=True,
        save_strategy="no", use_vllm=True, vllm_mode="colocate", vllm_max_model_length=256,
    )  # fmt: skip
    with cpu_colocate_shims():
        trainer = GRPOTrainer(
            model=model, reward_funcs=[lambda completions, **_: [0.0] * len(completions)],
            args=args, train_dataset=datasets.Dataset.from_list(prompts),
            processing_class=tokenizer,
        )  # fmt: skip
        llm = trainer.vllm_generation.llm
        ids = tokenizer("The capital of France is Paris. The capital of Italy is Rome.")[
            "input_ids"
        ]

        def transformers_logprobs():
            with torch.no_grad():
                logits = trainer.model(torch.tensor([ids])).logits[0, :-1].float()
            return torch.log_softmax(logits, -1).gather(1, torch.tensor(ids[1:])[:, None])[:, 0]

        def vllm_logprobs():
            [output] = llm.generate(
                [{"prompt_token_ids": ids}],
                SamplingParams(max_tokens=1, prompt_logprobs=0),
                use_tqdm=False,
            )
            rows = output.prompt_logprobs[1:]
            return torch.tensor([row[t].logprob for row, t in zip(rows, ids[1:], strict=True)])

        def gap() -> float:
            return (vllm_logprobs() - transformers_logprobs()).abs().mean().item()

        result = {"before": gap()}
        torch.manual_seed(0)
        with torch.no_grad():
            for param in trainer.model.parameters():
                param.mul_(1 + 0.2 * torch.randn_like(param))
        result["perturbed"] = gap()
        trainer.vllm_generation.sync_weights()
        result["synced"] = gap()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
