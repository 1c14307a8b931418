use std::time::Duration;

use super::lines::Lines;
use super::{Progress, StageProgress};

fn progress(done: [usize; 2], finished: bool) -> Progress {
    Progress {
        stages: vec![
            StageProgress { name: "scan csv".into(), done: done[0], total: 3 },
            StageProgress { name: "groupby merge".into(), done: done[1], total: 1 },
        ],
        rows_read: 1200,
        bytes_read: 3 << 20,
        bytes_spilled: 0,
        elapsed: Duration::from_millis(1500),
        finished,
    }
}

#[test]
fn lines_print_each_stage_once_when_it_is_done_and_the_end() {
    let lines = Lines::default();
    let mut out = Vec::new();
    for p in
        [progress([0, 0], false), progress([2, 0], false), progress([3, 0], false), progress([3, 0], false)]
    {
        lines.print(&p, &mut out);
    }
    lines.print(&progress([3, 1], false), &mut out);
    lines.print(&progress([3, 1], true), &mut out);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text,
        "rusk: [1.5 s] scan csv ×3 done; 1200 rows, 3.0 MB read\n\
         rusk: [1.5 s] groupby merge ×1 done; 1200 rows, 3.0 MB read\n\
         rusk: [1.5 s] finished 4/4 tasks; 1200 rows, 3.0 MB read\n"
    );
    // A second run with the same printer starts afresh.
    let mut again = Vec::new();
    lines.print(&progress([3, 0], true), &mut again);
    let again = String::from_utf8(again).unwrap();
    assert!(again.starts_with("rusk: [1.5 s] scan csv ×3 done"), "{again}");
    assert!(again.ends_with("finished 3/4 tasks; 1200 rows, 3.0 MB read\n"), "{again}");
}
