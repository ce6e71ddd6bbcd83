//! Small exact cases of the reuse checks: the cycle search.

use super::{find_cycles, Link};
use crate::source::{FileId, Span};

fn link(from: usize, to: usize) -> Link {
    Link {
        from,
        to,
        file: FileId(0),
        span: Span::default(),
    }
}

#[test]
fn cycles_start_at_their_smallest_node_in_order() {
    // 5 -> 1 -> 2 -> 5 and 1 -> 3 -> 1; 4 -> 4; 0 -> 1 is on none.
    let links = [
        link(0, 1),
        link(5, 1),
        link(1, 2),
        link(2, 5),
        link(4, 4),
        link(1, 3),
        link(3, 1),
    ];
    let cycles = find_cycles(6, &links);
    let found: Vec<(Vec<usize>, Vec<usize>)> = (cycles.iter())
        .map(|c| (c.links.clone(), c.knot.clone()))
        .collect();
    // Breadth first from 1: 1 -> 3 -> 1 closes before 1 -> 2 -> 5 -> 1.
    assert_eq!(found, [(vec![5, 6], vec![1, 2, 3, 5]), (vec![4], vec![4])]);
}

#[test]
fn a_chain_of_200_000_needs_no_deep_stack() {
    let n = 200_000;
    let mut links: Vec<Link> = (0..n - 1).map(|i| link(i, i + 1)).collect();
    links.push(link(n - 1, n - 2));
    let cycles = std::thread::Builder::new()
        .stack_size(64 << 10)
        .spawn(move || {
            let cycles = find_cycles(n, &links);
            (cycles.len(), cycles[0].knot.clone())
        })
        .expect("a thread")
        .join()
        .expect("no overflow");
    assert_eq!(cycles, (1, vec![n - 2, n - 1]));
}
