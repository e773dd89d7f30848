#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    id: i64,
    views: u32,
}

fn main() {}
