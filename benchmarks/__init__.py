"""Benchmarks of virtnum against hand-written aiohttp baselines.

Run from the repository root::

    python -m benchmarks                  # every scenario, 5 rounds (a few minutes)
    python -m benchmarks --quick          # tiny sizes, 1 round: proves the suite still runs
    python -m benchmarks --write-results  # full run, then rewrite benchmarks/RESULTS.md

The fake API server runs in a separate process on 127.0.0.1 (see ``_server.py``).
"""
