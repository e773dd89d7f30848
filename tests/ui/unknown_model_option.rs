#[derive(pony::Model)]
#[model(app = "lab", table = "articles")]
struct Article {
    id: i64,
}

fn main() {}
