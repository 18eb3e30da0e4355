"""Shared by the Python tests: where the pushsh binary is, and the repository root.

These tests drive pushsh with tools we did not write: pygls / pytest-lsp (a real
LSP client, which also checks our messages against the protocol), junitparser
and tap.py. scripts/python-tests installs them in a venv and runs them.
"""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
PUSHSH = os.environ.get("PUSHSH_BIN", str(ROOT / ".build" / "debug" / "pushsh"))
