//! The type and nullability of an expression's result, checked at build time.

use arrow::datatypes::{DataType, Field, Schema};

use super::Expr;
use crate::error::{Error, Result};

impl Expr {
    /// The type of the expression's result over batches of `schema`.
    ///
    /// # Errors
    /// [`Error::ColumnNotFound`] for an unknown column, [`Error::Type`] for
    /// operands that don't fit their operator.
    pub fn data_type(&self, schema: &Schema) -> Result<DataType> {
        match self {
            Expr::Column(name) => schema.field_with_name(name).map(|f| f.data_type().clone()).map_err(|_| {
                Error::ColumnNotFound {
                    name: name.clone(),
                    available: schema.fields().iter().map(|f| f.name().clone()).collect(),
                }
            }),
            Expr::Literal(v) => Ok(v.data_type()),
            _ => Err(Error::Internal("data_type not implemented".into())),
        }
    }

    /// The field (name, type, nullability) the expression produces.
    ///
    /// # Errors
    /// As [`Expr::data_type`].
    pub fn to_field(&self, schema: &Schema) -> Result<Field> {
        Ok(Field::new(self.output_name(), self.data_type(schema)?, true))
    }
}
