#[derive(pony::Model)]
#[model(app = "lab")]
enum Status {
    Draft,
    Published,
}

fn main() {}
