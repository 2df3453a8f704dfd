"""SFT training throughput with and without packing, on the same data, in one process.

The corpus is synthetic and only its shape matters here: the 57 bundled problems, each
with its Python reference and, as stand-ins in every other PL, that PL's registry example
program (so examples have realistic prompt and program lengths). Both runs train the same
model for the same number of steps with the same batch size; throughput counts real
(non-padding) tokens, from TRL's `num_tokens`, per second of training.

    python benchmarks/sft_throughput.py                       # tiny Llama, 20 steps
    python benchmarks/sft_throughput.py --model embedded      # SmolLM2-135M-Instruct
    python benchmarks/sft_throughput.py --model Qwen/Qwen2.5-Coder-0.5B --bf16 --steps 50

With a CUDA device it also prints model FLOPs utilization (6 x params x tokens/s over
the device's dense bf16 peak, `--peak-tflops`).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from parallel_sft.corpus.export import write_dataset
from parallel_sft.languages import LANGUAGES
from parallel_sft.samples import load_sample_problems
from parallel_sft.train.sft import SFTRunConfig, train_sft


def synthetic_corpus(out: Path, langs: list[str]) -> Path:
    problems = load_sample_problems()
    attempts = [
        {"problem_id": p.id, "language": lang, "round": 0, "sample": 0, "model": "stand-in",
         "prompt_version": "", "code": LANGUAGES[lang].example, "status": "OK", "kept": True}
        for p in problems for lang in langs
    ]  # fmt: skip
    write_dataset(out, problems, attempts, langs, test_fraction=0.0)
    return out


def tiny_llama(out: Path) -> str:
    import torch
    import transformers

    from parallel_sft.backends import default_model_path

    tokenizer = transformers.AutoTokenizer.from_pretrained(default_model_path())
    config = transformers.LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=256, intermediate_size=768, num_hidden_layers=4,
        num_attention_heads=4, num_key_value_heads=2, bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id, tie_word_embeddings=True,
    )  # fmt: skip
    torch.manual_seed(0)
    transformers.LlamaForCausalLM(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return str(out)


def run(corpus: Path, model: str | None, out: Path, packing: bool, args) -> dict:
    config = SFTRunConfig(
        corpus=str(corpus), model=model, output_dir=str(out), max_steps=args.steps,
        per_device_train_batch_size=args.batch_size, max_length=args.max_length,
        packing=packing, bf16=args.bf16, logging_steps=1, save_steps=10**9, learning_rate=1e-4,
    )  # fmt: skip
    summary = train_sft(config, progress=False)
    log = json.loads((out / "training_log.json").read_text())
    tokens = max(float(e.get("num_tokens", 0)) for e in log)
    return {**summary, "real_tokens": tokens, "real_tokens_per_s": tokens / summary["seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="tiny", help="tiny (built here), embedded, or an id")
    parser.add_argument("--langs", default="python,c,cpp,go,rust,java,javascript,lua")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--max-length", type=int, default=1024)
    parser.add_argument("--bf16", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="H100 SXM dense bf16")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = synthetic_corpus(root / "corpus", args.langs.split(","))
        model = {"tiny": lambda: tiny_llama(root / "tiny"), "embedded": lambda: None}.get(
            args.model, lambda: args.model
        )()
        results = {p: run(corpus, model, root / f"out-{p}", p, args) for p in (False, True)}
    for packing, r in results.items():
        print(
            f"packing={'on ' if packing else 'off'}: {r['steps']} steps, {r['real_tokens']:.0f} "
            f"real tokens in {r['seconds']:.1f} s = {r['real_tokens_per_s']:.0f} tokens/s"
        )
    ratio = results[True]["real_tokens_per_s"] / results[False]["real_tokens_per_s"]
    print(f"packing / no packing: {ratio:.2f}x real tokens per second")
    import torch

    if torch.cuda.is_available():
        import transformers

        params = (
            transformers.AutoModelForCausalLM.from_pretrained(model or "").num_parameters()
            if model
            else None
        )
        if params:
            for packing, r in results.items():
                mfu = 6 * params * r["real_tokens_per_s"] / (args.peak_tflops * 1e12)
                print(f"MFU (packing={packing}): {100 * mfu:.1f}% of {args.peak_tflops} TFLOPS")
    else:
        print("no CUDA device: model FLOPs utilization not measured")


if __name__ == "__main__":
    main()
