#!/usr/bin/env python3
"""Builds the handbook: `python build.py [build|check] [--help]`. See rolebook/cli.py."""

import sys

from rolebook.cli import main

if __name__ == "__main__":
    sys.exit(main())
