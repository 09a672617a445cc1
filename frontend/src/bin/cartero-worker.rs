//! The sync worker binary: POP3 sessions, the relay socket and every write a sync makes.

fn main() {
    cartero_frontend::worker::run();
}
