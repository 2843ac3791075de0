//! Automatic placement on Grafana's 24-column grid.
//!
//! Panels flow left to right and wrap when a line is full; pinned panels keep their column
//! and automatic ones flow around them. Then every section is compacted upwards the way
//! Grafana's grid does on load, so a dashboard saved from the UI without edits keeps the
//! positions we wrote (no phantom diffs).

use crate::model::GridPos;

/// Grafana's grid width.
pub const GRID_WIDTH: u32 = 24;

/// What the layout needs of one panel: its size and, optionally, a pinned position
/// relative to the top of its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    /// Width in columns.
    pub w: u32,
    /// Height in rows.
    pub h: u32,
    /// Pinned `(x, y)`, `y` counted from the section's top.
    pub pin: Option<(u32, u32)>,
}

/// Why a section could not be laid out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// Width outside 1..=24 or zero height.
    #[error("size {w}x{h} does not fit the grid: width must be 1..=24 and height at least 1")]
    BadSize {
        /// Index of the item in its section.
        index: usize,
        /// Width asked for.
        w: u32,
        /// Height asked for.
        h: u32,
    },
    /// A pin that runs past column 24.
    #[error("pinned at column {x} with width {w}, which ends past column 24; pin at x <= {max}")]
    PinOutsideGrid {
        /// Index of the item in its section.
        index: usize,
        /// Pinned column.
        x: u32,
        /// Width.
        w: u32,
        /// The largest column that fits.
        max: u32,
    },
    /// Two pinned panels on the same cells.
    #[error("pinned panels {first} and {second} overlap; move one of the pins")]
    PinsOverlap {
        /// Index of the first item.
        first: usize,
        /// Index of the second item.
        second: usize,
    },
}

/// Places one section's items, starting at row `top`; returns their positions in input
/// order and the first free row below them.
///
/// ```
/// use dashboard_dsl::layout::{place, Item};
/// let items = [Item { w: 12, h: 8, pin: None }, Item { w: 12, h: 8, pin: None }, Item { w: 24, h: 4, pin: None }];
/// let (pos, bottom) = place(&items, 0).unwrap();
/// assert_eq!((pos[1].x, pos[1].y), (12, 0));
/// assert_eq!((pos[2].x, pos[2].y), (0, 8));
/// assert_eq!(bottom, 12);
/// ```
pub fn place(items: &[Item], top: u32) -> Result<(Vec<GridPos>, u32), LayoutError> {
    let mut placed: Vec<Option<GridPos>> = vec![None; items.len()];
    let mut occupied: Vec<GridPos> = Vec::with_capacity(items.len());

    for (index, it) in items.iter().enumerate() {
        if it.w == 0 || it.w > GRID_WIDTH || it.h == 0 {
            return Err(LayoutError::BadSize {
                index,
                w: it.w,
                h: it.h,
            });
        }
        if let Some((x, y)) = it.pin {
            if x + it.w > GRID_WIDTH {
                return Err(LayoutError::PinOutsideGrid {
                    index,
                    x,
                    w: it.w,
                    max: GRID_WIDTH - it.w,
                });
            }
            let pos = GridPos {
                h: it.h,
                w: it.w,
                x,
                y: top + y,
            };
            if let Some(first) = placed
                .iter()
                .position(|p| p.is_some_and(|p| p.overlaps(&pos)))
            {
                return Err(LayoutError::PinsOverlap {
                    first,
                    second: index,
                });
            }
            placed[index] = Some(pos);
            occupied.push(pos);
        }
    }

    let (mut cx, mut line_y, mut line_bottom) = (0u32, top, top);
    for (index, it) in items.iter().enumerate() {
        if it.pin.is_some() {
            continue;
        }
        loop {
            if cx + it.w > GRID_WIDTH {
                cx = 0;
                // Step at least one row, so a line blocked by pins cannot loop forever.
                line_y = line_bottom.max(line_y + 1);
                line_bottom = line_y;
            }
            let pos = GridPos {
                h: it.h,
                w: it.w,
                x: cx,
                y: line_y,
            };
            match occupied.iter().find(|o| o.overlaps(&pos)) {
                Some(o) => cx = o.x + o.w,
                None => {
                    placed[index] = Some(pos);
                    occupied.push(pos);
                    cx += it.w;
                    line_bottom = line_bottom.max(line_y + it.h);
                    break;
                }
            }
        }
    }

    let mut positions: Vec<GridPos> = placed
        .into_iter()
        .map(|p| p.expect("every item is placed by one of the two passes"))
        .collect();
    compact(&mut positions, top);
    let bottom = positions.iter().map(|p| p.y + p.h).max().unwrap_or(top);
    Ok((positions, bottom))
}

/// Floats every item up as far as it goes without passing another, in (y, x) order, as
/// react-grid-layout's vertical compaction does.
fn compact(positions: &mut [GridPos], top: u32) {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| (positions[i].y, positions[i].x, i));
    let mut done: Vec<GridPos> = Vec::with_capacity(positions.len());
    for i in order {
        let mut p = positions[i];
        while p.y > top {
            let up = GridPos { y: p.y - 1, ..p };
            if done.iter().any(|d| d.overlaps(&up)) {
                break;
            }
            p = up;
        }
        positions[i] = p;
        done.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auto(w: u32, h: u32) -> Item {
        Item { w, h, pin: None }
    }

    #[test]
    fn wraps_and_floats_up_under_short_neighbours() {
        // A is tall, B short: C wraps to a new line at x=0 under A; D lands at x=12 and
        // floats up under B, as Grafana would move it.
        let (pos, _) = place(&[auto(12, 8), auto(12, 4), auto(12, 4), auto(12, 4)], 0).unwrap();
        assert_eq!((pos[2].x, pos[2].y), (0, 8));
        assert_eq!((pos[3].x, pos[3].y), (12, 4));
    }

    #[test]
    fn flows_around_pins() {
        let items = [
            Item {
                w: 8,
                h: 4,
                pin: Some((8, 0)),
            },
            auto(12, 4),
            auto(8, 4),
        ];
        let (pos, _) = place(&items, 3).unwrap();
        assert_eq!((pos[0].x, pos[0].y), (8, 3));
        assert!(!pos[1].overlaps(&pos[0]));
        assert!(!pos[2].overlaps(&pos[0]) && !pos[2].overlaps(&pos[1]));
        assert!(pos.iter().all(|p| p.y >= 3 && p.x + p.w <= 24));
    }

    #[test]
    fn rejects_bad_sizes_and_pins() {
        assert_eq!(
            place(&[auto(25, 4)], 0),
            Err(LayoutError::BadSize {
                index: 0,
                w: 25,
                h: 4
            })
        );
        assert!(matches!(
            place(&[auto(4, 0)], 0),
            Err(LayoutError::BadSize { .. })
        ));
        let pin = |x, y| Item {
            w: 12,
            h: 4,
            pin: Some((x, y)),
        };
        assert!(matches!(
            place(&[pin(13, 0)], 0),
            Err(LayoutError::PinOutsideGrid { max: 12, .. })
        ));
        assert_eq!(
            place(&[pin(0, 0), pin(6, 2)], 0),
            Err(LayoutError::PinsOverlap {
                first: 0,
                second: 1
            })
        );
    }
}
