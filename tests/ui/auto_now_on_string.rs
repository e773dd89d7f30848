#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    id: i64,
    #[field(auto_now)]
    updated: String,
}

fn main() {}
