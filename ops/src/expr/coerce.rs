//! Type coercion: which type two operands meet at.

use arrow::datatypes::DataType;

/// The type two numeric operands are cast to before arithmetic or comparison.
pub fn common_numeric_type(left: &DataType, right: &DataType) -> Option<DataType> {
    if left == right && left.is_numeric() {
        return Some(left.clone());
    }
    None
}
