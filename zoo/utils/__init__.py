"""Helpers every layer may use: the one error template, atomic files, lazy imports, the network check."""
