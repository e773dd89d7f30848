use pony::db::Model;

/// Something that needs a model, as pony's generic views and admin do.
fn table_of<M: Model>() -> &'static str {
    &M::meta().db_table
}

struct Article {
    id: i64,
}

fn main() {
    let _ = Article { id: 1 }.id;
    table_of::<Article>();
}
