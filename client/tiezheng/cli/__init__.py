"""The ``tiezheng`` command line."""
