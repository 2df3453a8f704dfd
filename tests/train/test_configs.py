"""The shipped launch configs: accelerate reads each as the distributed setup it names,
and the example sft.yaml resolves to a run config (its TRL keys are real SFTConfig
fields)."""

from __future__ import annotations

from pathlib import Path

import pytest

import parallel_sft.train

CONFIGS = Path(parallel_sft.train.__file__).parent / "configs"


@pytest.mark.parametrize(
    ("name", "kind", "machines", "processes"),
    [
        ("fsdp.yaml", "FSDP", 1, 8),
        ("deepspeed_zero3.yaml", "DEEPSPEED", 1, 8),
        ("multinode_fsdp.yaml", "FSDP", 2, 16),
    ],
)
def test_accelerate_reads_the_launch_configs(name, kind, machines, processes):
    from accelerate.commands.config.config_args import ClusterConfig

    config = ClusterConfig.from_yaml_file(str(CONFIGS / name))
    assert str(config.distributed_type).endswith(kind)
    assert (config.num_machines, config.num_processes) == (machines, processes)
    assert str(config.mixed_precision).endswith("bf16")


def test_the_example_sft_yaml_resolves():
    from parallel_sft.train.cli import sft_run_config

    config = sft_run_config(str(CONFIGS / "sft.yaml"), {})
    assert config.preset == "parallel" and config.packing and config.max_length == 4096
    assert config.training_args == {"lr_scheduler_type": "cosine", "warmup_steps": 100}


def test_the_example_rl_yaml_resolves():
    from parallel_sft.train.cli import rl_run_config

    config = rl_run_config(str(CONFIGS / "rl.yaml"), {"max_steps": 5})
    assert config.langs == ("python",) and config.use_vllm and config.num_generations == 8
    assert config.max_steps == 5  # a flag wins over the file
    assert config.training_args == {
        "vllm_gpu_memory_utilization": 0.3,
        "lr_scheduler_type": "constant_with_warmup",
        "warmup_steps": 10,
    }
