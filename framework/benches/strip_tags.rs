//! How long `strip_tags` takes on hostile input as it grows: linear time doubles with the size.
//!
//! ```sh
//! cargo bench -p pony --bench strip_tags
//! ```
//!
//! Prints one line per input; a benchmark, not a test: it asserts nothing about speed.
#![allow(missing_docs)]

use std::time::Instant;

use pony::templates::strip_tags;

/// A name and how to build an input of `n` units.
type Shape = (&'static str, fn(usize) -> String);

fn main() {
    let shapes: [Shape; 3] = [
        ("'>' + '<a' × n", |n| format!(">{}a", "<a".repeat(n))),
        ("'>' + '<a \"' × n", |n| format!(">{}", "<a \"".repeat(n))),
        ("'>' + '<!--' × n", |n| format!(">{}", "<!--".repeat(n))),
    ];
    for (name, make) in shapes {
        for n in [50_000, 100_000, 200_000, 400_000] {
            let input = make(n);
            let start = Instant::now();
            let output = strip_tags(&input);
            let elapsed = start.elapsed();
            std::hint::black_box(output);
            println!(
                "{name:<18} n = {n:>7}: {:>8.2} ms",
                elapsed.as_secs_f64() * 1e3
            );
        }
    }
}
