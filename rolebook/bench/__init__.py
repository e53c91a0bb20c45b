"""The benchmark: `python -m rolebook.bench --roles N`; see __main__.py."""
