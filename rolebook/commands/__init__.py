"""The commands: one module per command, each with SUMMARY, `arguments(parser)` and `run(args)`.

This layer alone prints and chooses exit codes; everything below it returns values or raises
RolebookError, which rolebook/cli.py catches.
"""
