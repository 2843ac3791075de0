//! Property: whatever the sizes and pins, automatic layout never overlaps panels and keeps
//! them within the 24 columns.

use dashboard_dsl::layout::{place, Item, LayoutError, GRID_WIDTH};
use proptest::prelude::*;

fn item() -> impl Strategy<Value = Item> {
    (
        1u32..=24,
        1u32..=12,
        prop::option::weighted(0.2, (0u32..24, 0u32..30)),
    )
        .prop_map(|(w, h, pin)| Item {
            w,
            h,
            // Keep pins inside the grid; pins outside it are a separate, tested error.
            pin: pin.map(|(x, y)| (x.min(GRID_WIDTH - w), y)),
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_overlaps_and_stays_in_the_grid(items in prop::collection::vec(item(), 0..40), top in 0u32..100) {
        match place(&items, top) {
            Ok((pos, bottom)) => {
                prop_assert_eq!(pos.len(), items.len());
                for (i, p) in pos.iter().enumerate() {
                    prop_assert!(p.x + p.w <= GRID_WIDTH, "panel {} at x={} w={}", i, p.x, p.w);
                    prop_assert!(p.y >= top && p.y + p.h <= bottom);
                    prop_assert_eq!((p.w, p.h), (items[i].w, items[i].h));
                    if let Some((x, _)) = items[i].pin {
                        prop_assert_eq!(p.x, x, "pinned panels keep their column");
                    }
                    for (j, q) in pos.iter().enumerate().skip(i + 1) {
                        prop_assert!(!p.overlaps(q), "panels {} and {} overlap: {:?} {:?}", i, j, p, q);
                    }
                }
            }
            Err(LayoutError::PinsOverlap { first, second }) => {
                // Only allowed when the two pins really collide.
                let rect = |i: usize| {
                    let (x, y) = items[i].pin.unwrap();
                    dashboard_dsl::model::GridPos { h: items[i].h, w: items[i].w, x, y }
                };
                prop_assert!(rect(first).overlaps(&rect(second)));
            }
            Err(e) => prop_assert!(false, "unexpected error {e}"),
        }
    }
}
