//! Progress as bars on a terminal (indicatif): one per stage, tasks done of
//! its total, and a line of totals under them.

use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{totals, Progress};

/// The bars of the current run, made at its first report.
#[derive(Default)]
pub(super) struct Bars {
    drawing: Mutex<Option<Drawing>>,
}

struct Drawing {
    /// Keeps the bars drawn together.
    _multi: MultiProgress,
    stages: Vec<ProgressBar>,
    totals: ProgressBar,
}

impl Bars {
    pub(super) fn draw(&self, p: &Progress) {
        let mut drawing = self.drawing.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let d = drawing.get_or_insert_with(|| Drawing::new(p));
        for (bar, stage) in d.stages.iter().zip(&p.stages) {
            bar.set_position(stage.done as u64);
        }
        d.totals.set_message(totals(p));
        if p.finished {
            for bar in &d.stages {
                bar.finish();
            }
            d.totals.finish();
            *drawing = None;
        }
    }
}

impl Drawing {
    fn new(p: &Progress) -> Self {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let width = p.stages.iter().map(|s| s.name.chars().count()).max().unwrap_or(0);
        // The templates are constants known to parse; a bad one would only
        // draw plain bars.
        let style = ProgressStyle::with_template(&format!(
            "{{prefix:<{width}}} {{bar:30}} {{pos}}/{{len}} {{elapsed}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let stages = p
            .stages
            .iter()
            .map(|s| {
                let bar = multi.add(ProgressBar::new(s.total as u64).with_style(style.clone()));
                bar.set_prefix(s.name.clone());
                bar
            })
            .collect();
        let totals = multi.add(ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ));
        Drawing { _multi: multi, stages, totals }
    }
}
