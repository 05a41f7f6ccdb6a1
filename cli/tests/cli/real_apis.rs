//! Every real API the fixture imitates, walked with the CLI as its
//! documentation says (the default, or the flags it needs), and explained
//! with `--explain`.

use fixture::{REAL_APIS, RealApi, item_number};

use super::*;

/// The command line for `api`: its headers, and its flags when `with_flags`.
fn args(api: &RealApi, fixture: &Fixture, with_flags: bool) -> Vec<String> {
    let mut args = Vec::new();
    for (name, value) in api.headers {
        args.extend(["-H".to_owned(), format!("{name}: {value}")]);
    }
    if with_flags {
        args.extend(api.flags.iter().map(|flag| flag.to_string()));
    }
    args.push(fixture.url(api.start));
    args
}

#[test]
fn every_real_api_is_walked_by_the_cli() {
    for api in REAL_APIS {
        let fixture = Fixture::builder().items(api.items).start();
        let run = run_cli(args(api, &fixture, true));
        assert_eq!(run.code, Some(0), "{}: {}", api.name, run.stderr);
        let numbers: Vec<Option<u64>> = lines(&run.stdout).iter().map(item_number).collect();
        let expected: Vec<Option<u64>> = (1..=api.items as u64).map(Some).collect();
        assert!(numbers == expected, "{}: {numbers:?}", api.name);
        assert_eq!(fixture.request_count(), api.requests, "{}", api.name);
    }
}

#[test]
fn explain_fetches_one_page_and_says_how_the_walk_goes_on() {
    for api in REAL_APIS {
        let fixture = Fixture::builder().items(api.items).start();
        let mut explain = vec!["--explain".to_owned()];
        explain.extend(args(api, &fixture, true));
        let run = run_cli(&explain);
        assert_eq!(run.code, Some(0), "{}: {run:#?}", api.name);
        assert_eq!(fixture.request_count(), 1, "{}", api.name);
        assert!(
            run.stdout.starts_with("page 1:   GET "),
            "{}: {}",
            api.name,
            run.stdout
        );
        let says_next = run.stdout.contains("\nnext:     GET ");
        assert_eq!(says_next, api.requests > 1, "{}: {}", api.name, run.stdout);
        assert!(
            run.stdout.contains("because:  ") || !says_next,
            "{}",
            run.stdout
        );
    }
}

#[test]
fn explain_names_the_flags_an_api_needs() {
    for api in REAL_APIS.iter().filter(|api| !api.flags.is_empty()) {
        let fixture = Fixture::builder().items(api.items).start();
        let mut explain = vec!["--explain".to_owned()];
        explain.extend(args(api, &fixture, false));
        let run = run_cli(&explain);
        let said = format!("{}{}", run.stdout, run.stderr);
        // X's and Twitch's tokens go back under a guessed name: the page is
        // fine, and the explanation says which flag names it otherwise.
        let guessed = run.code == Some(0) && said.contains("--cursor-param NAME");
        assert!(guessed || run.code == Some(1), "{}: {said}", api.name);
        assert!(said.contains(api.flags[0]), "{}: {said}", api.name);
    }
}

#[test]
fn a_detected_stripe_list_is_walked_by_its_last_items_id() {
    // The keyset is detected on page 1, whose raw items must still give their last id.
    let fixture = Fixture::builder().items(7).start();
    let run = run_cli([fixture.url("/v1/customers?limit=3")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let numbers: Vec<Option<u64>> = lines(&run.stdout).iter().map(item_number).collect();
    assert_eq!(numbers, (1..=7).map(Some).collect::<Vec<_>>());
    assert_eq!(fixture.request_count(), 3);
}
