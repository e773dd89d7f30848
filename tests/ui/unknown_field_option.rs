#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    id: i64,
    #[field(max_len = 200)]
    title: String,
}

fn main() {}
