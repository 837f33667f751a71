"""The Tiezheng node: py-evm execution, the SM3 evidence log, SM2-sealed blocks, and its APIs."""

__version__ = "0.1.0"
