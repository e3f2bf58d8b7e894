"""Rerunnable benchmarks (``make bench``): every figure is a ratio to a reference timed in the same run."""
