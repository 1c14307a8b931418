"""The README's Python tour runs as written (as the Rust tour's doctests do)."""

from __future__ import annotations

import os
import re

from conftest import ROOT


def test_the_readme_python_blocks_run(capsys):
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "the README has no Python tour"
    cwd = os.getcwd()
    os.chdir(ROOT)  # the tour's paths are relative to the repository root
    try:
        for block in blocks:
            exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    assert "qty > 10" in capsys.readouterr().out  # the tour printed its plan
