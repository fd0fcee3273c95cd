//! Adjective-animal names for runs that arrive without one (`fast-giraffe`), as Prefect gives them.

const ADJECTIVES: &[&str] = &[
    "agile", "amber", "ancient", "arctic", "bold", "brave", "bright", "brisk", "calm", "candid",
    "cheerful", "clever", "cosmic", "crimson", "curious", "daring", "dapper", "eager", "electric",
    "elegant", "fancy", "fast", "fearless", "festive", "fluffy", "friendly", "gentle", "gleaming",
    "golden", "graceful", "happy", "hardy", "honest", "humble", "icy", "jolly", "keen", "kind",
    "lively", "loyal", "lucky", "mellow", "merry", "mighty", "misty", "modest", "nimble", "noble",
    "olive", "patient", "peaceful", "placid", "plucky", "polite", "proud", "quick", "quiet",
    "radiant", "rapid", "rustic", "scarlet", "serene", "shiny", "silent", "silver", "sleek",
    "smart", "snowy", "spry", "steady", "stellar", "sunny", "swift", "teal", "tidy", "tranquil",
    "upbeat", "valiant", "vivid", "warm", "wise", "witty", "zealous", "zesty",
];

const ANIMALS: &[&str] = &[
    "aardvark",
    "albatross",
    "alpaca",
    "antelope",
    "armadillo",
    "badger",
    "beaver",
    "bison",
    "bobcat",
    "buffalo",
    "camel",
    "capybara",
    "caribou",
    "cheetah",
    "chipmunk",
    "cobra",
    "condor",
    "cougar",
    "coyote",
    "crane",
    "dingo",
    "dolphin",
    "donkey",
    "eagle",
    "echidna",
    "elk",
    "falcon",
    "ferret",
    "finch",
    "flamingo",
    "fox",
    "gazelle",
    "gecko",
    "gibbon",
    "giraffe",
    "gopher",
    "hamster",
    "hawk",
    "hedgehog",
    "heron",
    "hippo",
    "ibis",
    "iguana",
    "impala",
    "jackal",
    "jaguar",
    "kangaroo",
    "kestrel",
    "koala",
    "lemur",
    "leopard",
    "llama",
    "lynx",
    "magpie",
    "marmot",
    "meerkat",
    "mink",
    "mongoose",
    "moose",
    "narwhal",
    "newt",
    "ocelot",
    "okapi",
    "orca",
    "osprey",
    "otter",
    "owl",
    "panda",
    "panther",
    "parrot",
    "pelican",
    "penguin",
    "puffin",
    "quail",
    "rabbit",
    "raccoon",
    "raven",
    "reindeer",
    "salamander",
    "seal",
    "sparrow",
    "squirrel",
    "stork",
    "swan",
    "tapir",
    "tiger",
    "toucan",
    "turtle",
    "viper",
    "walrus",
    "weasel",
    "wombat",
    "yak",
    "zebra",
];

/// A fresh `adjective-animal` slug.
pub fn slug() -> String {
    let bytes = *uuid::Uuid::new_v4().as_bytes();
    let pick = |list: &[&'static str], a: u8, b: u8| {
        list[(usize::from(a) << 8 | usize::from(b)) % list.len()]
    };
    format!(
        "{}-{}",
        pick(ADJECTIVES, bytes[0], bytes[1]),
        pick(ANIMALS, bytes[2], bytes[3])
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_two_lowercase_words() {
        let slug = super::slug();
        let (adjective, animal) = slug.split_once('-').unwrap();
        assert!(
            adjective
                .chars()
                .chain(animal.chars())
                .all(|c| c.is_ascii_lowercase()),
            "{slug}"
        );
    }
}
