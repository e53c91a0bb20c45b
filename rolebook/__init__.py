"""rolebook: job-description handbooks as code."""

__version__ = "0.1.0"
