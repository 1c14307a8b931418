"""What the comparison drivers share: building rusk's bench binary."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def build_bench(target: str, script: str) -> tuple[Path | None, str | None]:
    """Builds the bench target `target` (release) and returns its executable, or None and why not.

    `script` names the driver in progress lines. Cargo prints the
    executable's path (target/release/deps/TARGET-HASH) in its JSON
    messages; an up-to-date build takes a second.
    """
    cmd = ["cargo", "build", "--release", "--bench", target, "--message-format=json-render-diagnostics"]
    print(f"{script}: " + shlex.join(cmd), file=sys.stderr)
    try:
        proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    except OSError as err:
        return None, f"cargo: {err.strerror}"
    if proc.returncode != 0:
        return None, (f"`cargo build --release --bench {target}` failed (exit {proc.returncode}; its errors "
                      "are above): rusk's cells are skipped")
    for line in proc.stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if (message.get("reason") == "compiler-artifact" and message["target"]["name"] == target
                and message.get("executable")):
            return Path(message["executable"]), None
    return None, f"cargo built no {target} executable: rusk's cells are skipped"
