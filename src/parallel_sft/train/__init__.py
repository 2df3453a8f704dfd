"""Training on a built corpus: Parallel-SFT mixtures and TRL trainers (`psft train`)."""
