"""Benchmarks of the tracker; every figure is a ratio against a baseline measured in the same run.

Run ``python -m benchmarks`` (``--quick`` for a smoke run, ``--events N`` to size the CSV export).
"""
