"""Benchmarks: our time against hand-written numpy and peer libraries, as ratios.

One module per workload (W1 scalar MLP, W3 MNIST-shaped MLP, W4 seed 000's net, W5 one
op, deep chains, memory); ``run.py`` runs them and prints the table. See README.md.
"""
