//! `resample`'s bin of each timestamp, as a group key (see `time::Bins`).

use std::fmt;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;

use super::ScalarImpl;
use crate::error::{Error, Result};
use crate::time::{Bins, Origin};

pub(super) struct TimeBin<'a> {
    pub(super) bins: &'a Bins,
    /// A second argument holds each row's group's first time.
    pub(super) by_first: bool,
}

impl ScalarImpl for TimeBin<'_> {
    fn name(&self) -> &'static str {
        "resample_bin"
    }

    fn arity(&self) -> usize {
        1 + usize::from(self.by_first)
    }

    fn output_type(&self, arg: &DataType) -> Result<DataType> {
        self.output_types(&[arg.clone(), arg.clone()][..self.arity()])
    }

    fn output_types(&self, args: &[DataType]) -> Result<DataType> {
        self.bins.check()?;
        if self.bins.needs_first(&args[0])? != self.by_first {
            return Err(Error::Internal(format!(
                "resample rule {}: binned {} each group's first time",
                self.bins.freq,
                if self.by_first { "with" } else { "without" }
            )));
        }
        if let Some(first) = args.get(1) {
            if first != &args[0] {
                return Err(Error::Internal(format!(
                    "resample: first times of type {first} for {}",
                    args[0]
                )));
            }
        }
        Ok(args[0].clone())
    }

    fn evaluate(&self, arg: &ArrayRef) -> Result<ArrayRef> {
        self.bins.labels(arg, None)
    }

    fn evaluate_all(&self, args: &[ArrayRef]) -> Result<ArrayRef> {
        self.bins.labels(&args[0], args.get(1))
    }

    fn fmt_args(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.by_first {
            write!(f, ", ")?;
        }
        write!(f, "'{}'", self.bins.freq)?;
        let default_right = self.bins.freq.closed_right_by_default();
        let side = |right: bool| if right { "right" } else { "left" };
        if self.bins.closed_right != default_right {
            write!(f, ", closed='{}'", side(self.bins.closed_right))?;
        }
        if self.bins.label_right != default_right {
            write!(f, ", label='{}'", side(self.bins.label_right))?;
        }
        match self.bins.origin {
            Origin::StartDay => {}
            Origin::Start => write!(f, ", origin='start'")?,
            Origin::Epoch => write!(f, ", origin='epoch'")?,
        }
        if self.bins.offset != 0 {
            write!(f, ", offset={}ns", self.bins.offset)?;
        }
        Ok(())
    }
}
