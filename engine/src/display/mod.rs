//! Printing materialized frames the way pandas does. STUB.
