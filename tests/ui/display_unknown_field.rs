#[derive(pony::Model)]
#[model(app = "lab", display = "name")]
pub struct Article {
    pub id: i64,
    #[field(max_length = 200)]
    pub title: String,
}

fn main() {}
