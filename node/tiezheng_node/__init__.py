"""The Tiezheng node: py-evm execution, the SM3 evidence log, SM2-sealed blocks, and its APIs."""

import os

# Keccak-256 hashes every transaction, trie node and storage key py-evm touches. eth-hash picks
# the first backend installed, pycryptodome, which costs a Python object per hash; safe-pysha3
# (a node dependency) hashes 7x faster per call. The choice is made at the first hash in the
# process, which importing the node's modules already does, hence here. An operator's own
# ETH_HASH_BACKEND still wins.
os.environ.setdefault("ETH_HASH_BACKEND", "pysha3")

__version__ = "0.1.0"
