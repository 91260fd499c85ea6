"""Experiments built on qml and circuits: demos (``two_moons.py``) and the benchmark
(:mod:`experiments.bench`, run as ``qml bench``). The top of the dependency stack:
experiments -> circuits -> qml.
"""
