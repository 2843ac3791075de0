//! `outside-grid`: panels wider than the grid, past column 24, of zero size, or
//! overlapping another panel of their section.

use super::references::Cx;
use super::{panel_place, LintKind};
use crate::layout::GRID_WIDTH;
use crate::model::Panel;

impl Cx<'_> {
    pub(super) fn grid(&mut self, panels: &[Panel], section: &str) {
        // Sweep in y order, comparing each panel only with those still open at its top,
        // so a 1,000-panel dashboard costs far less than all pairs.
        let mut order: Vec<&Panel> = panels.iter().collect();
        order.sort_by_key(|p| (p.grid_pos.y, p.grid_pos.x));
        let mut open: Vec<&Panel> = Vec::new();
        for p in order {
            let g = p.grid_pos;
            open.retain(|o| o.grid_pos.y + o.grid_pos.h > g.y);
            if let Some(other) = open.iter().find(|o| o.grid_pos.overlaps(&g)) {
                self.push(
                    &panel_place(p),
                    None,
                    LintKind::OutsideGrid,
                    format!("overlaps panel \"{}\" in the {section}", other.title),
                    "move one of them; automatic layout never overlaps".into(),
                );
            }
            open.push(p);
        }
        for p in panels {
            let g = p.grid_pos;
            if g.w == 0 || g.h == 0 || g.x + g.w > GRID_WIDTH {
                self.push(
                    &panel_place(p),
                    None,
                    LintKind::OutsideGrid,
                    format!(
                        "gridPos x={} w={} h={} falls outside the 24-column grid",
                        g.x, g.w, g.h
                    ),
                    "keep 1 <= w, x + w <= 24 and h >= 1".into(),
                );
            }
        }
    }
}
