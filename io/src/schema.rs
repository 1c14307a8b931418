//! Merging the schemas of several files into one. STUB.
