//! The page binary: renders the app and sends intents to the sync worker.

fn main() {
    cartero_frontend::start_page();
}
