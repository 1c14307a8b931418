#!/usr/bin/env bash
# Every test rusk has: the Rust suite, then the Python package, built into a
# virtual environment of its own (target/pyvenv, made on first use from the
# registries), and its pytest suite. Needs Rust and Python >= 3.9.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace

venv="$PWD/target/pyvenv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
# A debug build into the workspace's target/, reusing what `cargo test` built.
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" maturin develop --quiet -m python/Cargo.toml
"$venv/bin/python" -m pytest python/tests -q
