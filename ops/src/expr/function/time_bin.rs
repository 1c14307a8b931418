//! `resample`'s bin of each timestamp, as a group key (see `time::Bins`).

use std::fmt;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

use super::ScalarImpl;
use crate::error::Result;
use crate::time::Bins;

pub(super) struct TimeBin<'a> {
    pub(super) bins: &'a Bins,
}

impl ScalarImpl for TimeBin<'_> {
    fn name(&self) -> &'static str {
        "resample_bin"
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        crate::time::timestamp_unit(arg)?;
        self.bins.check()?;
        Ok(arg.clone())
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.bins.labels(arg)
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "'{}'", self.bins.freq)?;
        let default_right = self.bins.freq.closed_right_by_default();
        let side = |right: bool| if right { "right" } else { "left" };
        if self.bins.closed_right != default_right {
            write!(f, ", closed='{}'", side(self.bins.closed_right))?;
        }
        if self.bins.label_right != default_right {
            write!(f, ", label='{}'", side(self.bins.label_right))?;
        }
        if self.bins.origin == crate::time::Origin::Epoch {
            write!(f, ", origin='epoch'")?;
        }
        if self.bins.offset != 0 {
            write!(f, ", offset={}ns", self.bins.offset)?;
        }
        Ok(())
    }
}
