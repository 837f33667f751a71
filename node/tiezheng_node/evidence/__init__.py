"""The evidence service: admission, the pending pool, the SM3 evidence log and its indexes."""
