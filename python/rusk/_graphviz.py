"""``visualize``: the task graph as Graphviz DOT, rendered when asked."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile


def write(inner, filename: str) -> str:
    """Writes ``inner``'s graph to ``filename``: DOT for ``.dot`` (or no
    extension), else rendered by Graphviz' ``dot`` in that format."""
    fmt = os.path.splitext(filename)[1].lstrip(".").lower() or "dot"
    if fmt in ("dot", "gv"):
        inner.visualize(filename)
        return filename
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError(
            f"rendering {filename!r} needs Graphviz' `dot` on PATH; write a .dot file instead"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "graph.dot")
        inner.visualize(source)
        subprocess.run([dot, f"-T{fmt}", source, "-o", filename], check=True)
    return filename
