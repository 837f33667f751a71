"""Consensus: sealed consensus headers, the dev sealer, validator sets."""
