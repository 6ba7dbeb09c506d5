"""pathgrad side by side with micrograd 0.1.0 and PyTorch used as a scalar engine.

Run ``python -m demos.bench`` (``make bench``) for the full table, or ``--quick`` for a
smoke run on small sizes. Every engine runs the same workloads built from the same
deterministic recipes; each number is the median of several runs after a warm-up, with
the interpreter's default settings (garbage collector on, recursion limit untouched).
The benchmarks report; they assert nothing about time.
"""
