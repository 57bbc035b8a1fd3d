//! Prints the index terms of each argument: `cargo run -p rendezvous-matchmaking --example terms -- "flood sensors"`.

fn main() {
    for text in std::env::args().skip(1) {
        println!("{text:?} → {:?}", rendezvous_matchmaking::index_terms(&text));
    }
}
