//! Letting go of the pages a string view column no longer points into.
//!
//! arrow-rs decodes a plain-encoded string page into views that point into
//! the decompressed page, and keeps the page as a data buffer of the array
//! even when every string is short enough (at most 12 bytes) to live inside
//! its view. Such a column then holds its pages for nothing: for h2o's id3
//! (`id0000000001`, 12 bytes) that is 150 MB beside 160 MB of views. Freed
//! at once, their memory is reused by the next partition's pages instead of
//! being faulted in again.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, StringViewArray};

/// The longest string a view holds inline (Arrow's format).
const MAX_INLINE: u32 = 12;

/// `array` without its data buffers when it is a string view array whose
/// every string is inline; `None` when there is nothing to drop.
pub(crate) fn without_unused_buffers(array: &ArrayRef) -> Option<ArrayRef> {
    let strings = array.as_string_view_opt()?;
    if strings.data_buffers().is_empty() {
        return None;
    }
    // The longest length, branch-free so it vectorizes; the low 32 bits of
    // a view are its length (0 under a null).
    let longest = strings.views().iter().fold(0u32, |m, &v| m.max(v as u32));
    if longest > MAX_INLINE {
        return None;
    }
    let (views, _pages, nulls) = strings.clone().into_parts();
    // SAFETY: `strings` is a valid array (the type's invariant: its views'
    // lengths, buffers and UTF-8 were checked when it was made), and none
    // of its views refers to a data buffer, every string being inline; so
    // the same views and nulls with no buffers are valid. `try_new` would
    // check every string's UTF-8 again: 8% of h2o q3 read from Parquet.
    Some(Arc::new(unsafe { StringViewArray::new_unchecked(views, Vec::new().into(), nulls) }))
}

#[cfg(test)]
mod tests {
    use arrow::array::Array;

    use super::*;

    #[test]
    fn inline_strings_let_go_of_their_pages_and_keep_their_values() {
        let long = "a string longer than twelve bytes";
        let all = StringViewArray::from(vec![Some("short"), None, Some("é twelve b"), Some(long)]);
        assert_eq!(all.data_buffers().len(), 1);
        let inline: ArrayRef = Arc::new(all.slice(0, 3));
        let dropped = without_unused_buffers(&inline).expect("every string is inline");
        let dropped = dropped.as_string_view();
        assert!(dropped.data_buffers().is_empty());
        assert_eq!(dropped, inline.as_string_view());
        assert_eq!(dropped.null_count(), 1);
        // A long string keeps its page; so does an array without one.
        assert!(without_unused_buffers(&(Arc::new(all) as ArrayRef)).is_none());
        assert!(without_unused_buffers(&(Arc::new(dropped.slice(0, 1)) as ArrayRef)).is_none());
    }
}
