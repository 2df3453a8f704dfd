# A node of a Ray cluster that judges programs for parallel-sft (`--executor ray`): every
# toolchain of the registry, bubblewrap, and parallel-sft[ray] with Debian 12's Python 3.11.
# Ray wants the same Python and Ray versions on every node and on the driver: run the
# driver from this image too, or from a venv with the same versions.
#
#   docker build -t parallel-sft-node .
#   # the head (its dashboard stays off; drop --include-dashboard=false to have it):
#   docker run -d --privileged --cgroupns=private --network host parallel-sft-node \
#       ray start --head --block --port 6379 --include-dashboard=false
#   # every other machine:
#   docker run -d --privileged --cgroupns=private --network host parallel-sft-node \
#       ray start --block --address HEAD_IP:6379
#
# --privileged is for the sandbox: bubblewrap makes user, PID and network namespaces, and
# each run gets its own cgroup (the private cgroup namespace makes the container's cgroup
# tree writable for it). Without them every verdict is INFRA_ERROR, not a weaker sandbox.
FROM debian:12-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RAY_USAGE_STATS_ENABLED=0 \
    PATH=/opt/parallel-sft/.venv/bin:$PATH

RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/parallel-sft
COPY pyproject.toml README.md ./
COPY scripts ./scripts
COPY src ./src

# The toolchains come from the registry itself (scripts/install-toolchains.sh reads
# languages/), so the image has what `psft langs --check` checks. (The sandbox cannot run
# during `docker build`, which is not privileged: check a running container instead.)
RUN scripts/install-toolchains.sh && rm -rf /var/lib/apt/lists/* /root/.npm \
    && python3 -m venv .venv \
    && .venv/bin/pip install -q '.[ray]'
# Check a node with: docker run --privileged --cgroupns=private IMAGE psft langs --check

CMD ["ray", "start", "--head", "--block", "--port", "6379", "--include-dashboard=false"]
