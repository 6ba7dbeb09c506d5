"""Runnable demos; ``python -m demos`` runs them all into one output folder."""
