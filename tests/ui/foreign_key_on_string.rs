#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    id: i64,
    #[field(foreign_key = "auth.User")]
    author_id: String,
}

fn main() {}
