#[derive(pony::Model)]
#[model(app = "lab")]
struct Article {
    title: String,
}

fn main() {}
