#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    id: i64,
    #[field(max_length = 10)]
    views: i32,
}

fn main() {}
