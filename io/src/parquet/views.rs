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
use rusk_ops::Result;

/// The longest string a view holds inline (Arrow's format).
const MAX_INLINE: u32 = 12;

/// `array` without its data buffers when it is a string view array whose
/// every string is inline; `None` when there is nothing to drop.
///
/// # Errors
/// [`rusk_ops::Error::Arrow`] when the views do not validate (they were
/// valid before, so never in practice).
pub(crate) fn without_unused_buffers(array: &ArrayRef) -> Result<Option<ArrayRef>> {
    let Some(strings) = array.as_string_view_opt() else {
        return Ok(None);
    };
    if strings.data_buffers().is_empty() {
        return Ok(None);
    }
    // The longest length, branch-free so it vectorizes; the low 32 bits of
    // a view are its length (0 under a null).
    let longest = strings.views().iter().fold(0u32, |m, &v| m.max(v as u32));
    if longest > MAX_INLINE {
        return Ok(None);
    }
    let (views, _pages, nulls) = strings.clone().into_parts();
    Ok(Some(Arc::new(StringViewArray::try_new(views, vec![], nulls)?)))
}
