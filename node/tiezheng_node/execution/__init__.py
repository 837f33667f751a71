"""The execution layer: py-evm at the newest fork it supports, with Tiezheng's precompiles and rules."""
