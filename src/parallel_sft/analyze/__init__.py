"""`psft analyze`: how tightly functionally equivalent programs in different PLs cluster
in a model's hidden states (the Parallel-SFT paper's representation analysis).

Each verified program of a corpus is embedded as the mean of every layer's hidden states
over its tokens (`embed`); per layer and per PL pair, the same problem's program in the
other PL is retrieved by cosine similarity and the cosine of parallel pairs is compared
with that of unrelated pairs (`metrics`, pure functions of embedding matrices). `run`
writes analysis.json and the per-layer plots; `compare` overlays several runs (e.g. the
base model and its Parallel-SFT fine-tune) on the same problems.
"""
