"""Tokens per second of the hf and vllm backends on the same chats, in the same run.

Each backend runs in its own child process (vLLM's in-process engine pins threads and
memory policy, which must not tilt the other's numbers), loads the embedded
SmolLM2-135M-Instruct (or `--model`), generates once untimed to warm up, then answers
`--batch` translation chats (the bundled problems' `translate/v1` prompts, cycled) with
`--max-tokens` sampled tokens each, in one `generate` call. It prints load seconds,
generated tokens, seconds and tokens/s per backend, and the ratio vllm / hf.

    python benchmarks/generation_throughput.py                  # batch 32, 256 tokens
    python benchmarks/generation_throughput.py --batch 8 --max-tokens 128
    python benchmarks/generation_throughput.py --backends vllm  # one backend only
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def chats(batch: int) -> list[list[dict[str, str]]]:
    from parallel_sft.languages import parse_languages
    from parallel_sft.samples import load_sample_problems
    from parallel_sft.translate.stage import build_requests

    requests = build_requests(load_sample_problems(), parse_languages("lua,javascript,go"))
    return [requests[i % len(requests)].prompt.chat for i in range(batch)]


def measure(backend: str, model: str | None, batch: int, max_tokens: int) -> dict:
    """In the child: load, warm up, time one batch."""
    from parallel_sft.backends import SamplingParams, get_backend

    options = {"batch_size": batch} if backend == "hf" else {}
    started = time.perf_counter()
    llm = get_backend(backend, model, **options)
    load_s = time.perf_counter() - started
    batch_chats = chats(batch)
    llm.generate(batch_chats[:2], SamplingParams(max_tokens=8, seed=1))  # warm-up
    params = SamplingParams(n=1, temperature=0.8, top_p=0.95, max_tokens=max_tokens, seed=0)
    started = time.perf_counter()
    results = llm.generate(batch_chats, params)
    seconds = time.perf_counter() - started
    tokens = sum(c.completion_tokens for per_chat in results for c in per_chat)
    llm.close()
    return {"backend": backend, "load_s": load_s, "tokens": tokens, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="hf,vllm")
    parser.add_argument("--model", default=None, help="default: the embedded SmolLM2-135M")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.model, args.batch, args.max_tokens)))
        return

    rows = {}
    for backend in args.backends.split(","):
        argv = [sys.executable, __file__, "--child", backend, "--batch", str(args.batch)]
        argv += ["--max-tokens", str(args.max_tokens)]
        argv += ["--model", args.model] if args.model else []
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"{backend} failed:\n{done.stderr[-2000:]}")
        rows[backend] = json.loads(done.stdout.strip().splitlines()[-1])

    print(f"batch {args.batch} chats x {args.max_tokens} tokens, model {args.model or 'embedded'}")
    print(f"{'backend':8} {'load s':>7} {'tokens':>7} {'gen s':>7} {'tokens/s':>9}")
    for backend, row in rows.items():
        rate = row["tokens"] / row["seconds"]
        print(
            f"{backend:8} {row['load_s']:7.1f} {row['tokens']:7d} {row['seconds']:7.1f} {rate:9.1f}"
        )
    if {"hf", "vllm"} <= set(rows):
        rate = {b: r["tokens"] / r["seconds"] for b, r in rows.items()}
        print(f"vllm / hf tokens/s: {rate['vllm'] / rate['hf']:.2f}x")


if __name__ == "__main__":
    main()
