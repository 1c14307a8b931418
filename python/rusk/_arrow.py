"""Arrow streams from the engine as pyarrow and pandas objects.

The engine hands results over as Arrow C stream capsules; pyarrow imports
them without copying. pandas frames use pyarrow-backed dtypes
(``dtype_backend="pyarrow"``): rusk's results are Arrow, nulls are not NaN,
and integers with nulls stay integers, as pandas' own Arrow dtypes keep them.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa


def table(capsule) -> pa.Table:
    """The pyarrow Table of an ``arrow_array_stream`` capsule."""
    return pa.RecordBatchReader._import_from_c_capsule(capsule).read_all()


def to_pandas(tbl: pa.Table) -> pd.DataFrame:
    """``tbl`` as pandas with pyarrow-backed dtypes, on a default index.
    Dictionary-encoded columns (how Parquet strings often arrive) are
    decoded: to a pandas user they are strings, not categoricals. String
    and binary views (how the engine may hold strings) become plain
    strings and binaries, which pandas' Arrow dtypes take."""
    for i, field in enumerate(tbl.schema):
        plain = _pandas_type(field.type)
        if plain != field.type:
            tbl = tbl.set_column(i, field.name, tbl.column(i).cast(plain))
    return tbl.to_pandas(types_mapper=pd.ArrowDtype)


def _pandas_type(arrow_type: pa.DataType) -> pa.DataType:
    if pa.types.is_dictionary(arrow_type):
        return _pandas_type(arrow_type.value_type)
    if pa.types.is_string_view(arrow_type):
        return pa.large_string()
    if pa.types.is_binary_view(arrow_type):
        return pa.large_binary()
    return arrow_type


def empty_frame(capsule) -> pd.DataFrame:
    """The empty pandas frame of a schema-only stream (Dask's ``meta``)."""
    return to_pandas(table(capsule))


def aligned(table: pa.Table) -> pa.Table:
    """``table``, or a copy of it whose buffers are 8-byte aligned. Tables
    that arrive from another worker, or from a file mapped into memory, can
    sit at any offset of the bytes they came in; Arrow's C interface requires their values aligned to
    their type (the engine reads an offset buffer as i32s, a column as
    i64s), so a misaligned one is copied once, through Arrow IPC (which
    pads every buffer to 8 bytes)."""
    if all(
        buffer is None or buffer.address % 8 == 0
        for column in table.columns
        for chunk in column.chunks
        for buffer in _buffers(chunk)
    ):
        return table
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return pa.ipc.open_stream(sink.getvalue()).read_all()


def _buffers(array: pa.Array):
    yield from array.buffers()
    if pa.types.is_dictionary(array.type):
        yield from array.dictionary.buffers()
