//! The `Link` parser on headers from real APIs, broken ones, and anything at all.

use super::*;
use proptest::prelude::*;

fn targets(links: &[Link]) -> Vec<&str> {
    links.iter().map(Link::target).collect()
}

fn rels(links: &[Link]) -> Vec<String> {
    links.iter().map(|link| link.rels().join(" ")).collect()
}

#[test]
fn github() {
    let links = parse([concat!(
        r#"<https://api.github.com/repositories/1300192/issues?page=2>; rel="prev", "#,
        r#"<https://api.github.com/repositories/1300192/issues?page=4>; rel="next", "#,
        r#"<https://api.github.com/repositories/1300192/issues?page=515>; rel="last", "#,
        r#"<https://api.github.com/repositories/1300192/issues?page=1>; rel="first""#,
    )]);
    assert_eq!(rels(&links), ["prev", "next", "last", "first"]);
    let next = find_rel(&links, "next").map(Link::target);
    assert_eq!(
        next,
        Some("https://api.github.com/repositories/1300192/issues?page=4")
    );
}

#[test]
fn procore_value_over_several_lines() {
    let value = "<https://api.procore.com/rest/v1.0/punch_items?page=1&per_page=5>; rel=\"first\",\n      \
                 <https://api.procore.com/rest/v1.0/punch_items?page=2&per_page=5>; rel=\"prev\",\n      \
                 <https://api.procore.com/rest/v1.0/punch_items?page=30&per_page=5>; rel=\"last\",\n      \
                 <https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5>; rel=\"next\",\n";
    let links = parse([value]);
    assert_eq!(rels(&links), ["first", "prev", "last", "next"]);
    let next = find_rel(&links, "next").map(Link::target);
    assert_eq!(
        next,
        Some("https://api.procore.com/rest/v1.0/punch_items?page=4&per_page=5")
    );
}

#[test]
fn gitlab() {
    let links = parse([concat!(
        r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="prev", "#,
        r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="next", "#,
        r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=1&per_page=3>; rel="first", "#,
        r#"<https://gitlab.example.com/api/v4/projects/8/issues/8/notes?page=3&per_page=3>; rel="last""#,
    )]);
    assert_eq!(rels(&links), ["prev", "next", "first", "last"]);
    assert!(links[1].target().ends_with("notes?page=3&per_page=3"));
}

#[test]
fn sentry_cursor_and_results() {
    let links = parse([concat!(
        r#"<https://sentry.io/api/0/projects/?&cursor=1:0:1>; rel="previous"; results="false"; cursor="1:0:1", "#,
        r#"<https://sentry.io/api/0/projects/?&cursor=1:100:0>; rel="next"; results="true"; cursor="1:100:0""#,
    )]);
    let next = find_rel(&links, "next").expect("a next link");
    assert_eq!(
        next.target(),
        "https://sentry.io/api/0/projects/?&cursor=1:100:0"
    );
    assert_eq!(next.param("results"), Some("true"));
    assert_eq!(next.param("CURSOR"), Some("1:100:0"));
    assert_eq!(links[0].param("results"), Some("false"));
    assert_eq!(next.params().len(), 2);
}

#[test]
fn several_field_values() {
    let links = parse(["<a>; rel=prev, <b>; rel=self", "<c>; rel=next"]);
    assert_eq!(targets(&links), ["a", "b", "c"]);
    assert_eq!(find_rel(&links, "next").map(Link::target), Some("c"));
}

#[test]
fn relative_targets_resolve_against_the_base() -> Result<(), url::ParseError> {
    let base = url::Url::parse("https://api.example.com/v1/items?page=1")?;
    let links = parse([r#"</v2/items?page=2>; rel="next", <?page=3>; rel=last, <page2>; rel=alt"#]);
    let resolved: Vec<String> = links
        .iter()
        .map(|link| link.resolve(&base).map(String::from))
        .collect::<Result<_, _>>()?;
    assert_eq!(
        resolved,
        [
            "https://api.example.com/v2/items?page=2",
            "https://api.example.com/v1/items?page=3",
            "https://api.example.com/v1/page2",
        ]
    );
    Ok(())
}

#[test]
fn commas_and_semicolons_inside_a_target() {
    let links = parse(["<https://x/a?q=1,2;3>; rel=next, <https://x/b>; rel=last"]);
    assert_eq!(targets(&links), ["https://x/a?q=1,2;3", "https://x/b"]);
    assert_eq!(rels(&links), ["next", "last"]);
}

#[test]
fn quoted_value_with_separators_and_escapes() {
    let links = parse([r#"<a>; title="one, two; \"three\" \\ four"; rel=next, <b>; rel=last"#]);
    assert_eq!(links[0].param("title"), Some(r#"one, two; "three" \ four"#));
    assert_eq!(rels(&links), ["next", "last"]);
}

#[test]
fn several_rel_types_in_any_case() {
    let links = parse([r#"<a>; REL="Next  LAST", <b>; Rel=Prev"#]);
    assert_eq!(links[0].rels(), ["next", "last"]);
    assert!(links[0].has_rel("NEXT") && links[0].has_rel("last"));
    assert_eq!(find_rel(&links, "prev").map(Link::target), Some("b"));
    assert!(find_rel(&links, "first").is_none());
}

#[test]
fn only_the_first_rel_counts() {
    let links = parse([r#"<a>; rel="prev"; rel="next""#]);
    assert_eq!(links[0].rels(), ["prev"]);
    assert!(links[0].params().is_empty());
}

#[test]
fn extended_notation() {
    let links =
        parse(["<a>; rel*=UTF-8''Next; title*=UTF-8''%E2%82%AC, <b>; rel=last; rel*=UTF-8''next"]);
    assert_eq!(rels(&links), ["next", "last"]);
    assert_eq!(links[0].param("title*"), Some("UTF-8''%E2%82%AC"));
    assert_eq!(decode_ext_value("UTF-8''%E2%82%AC").as_deref(), Some("€"));
    assert_eq!(decode_ext_value("iso-8859-1'en'%A3"), Some("£".to_owned()));
    assert_eq!(decode_ext_value("UTF-8''%E2%8"), None);
    assert_eq!(parse(["<a>; rel*=garbage"])[0].rels(), [] as [String; 0]);
}

#[test]
fn unquoted_params_and_params_without_value() {
    let links = parse(["<a>; rel=next; per_page = 5 ;hreflang=en; crossorigin; hreflang=fr"]);
    assert_eq!(links[0].param("per_page"), Some("5"));
    assert_eq!(links[0].param("HrefLang"), Some("en"));
    assert_eq!(links[0].param("crossorigin"), Some(""));
    assert_eq!(links[0].param("missing"), None);
}

#[test]
fn empty_elements_and_stray_whitespace() {
    let links = parse([
        "",
        " , ,\t",
        ",\r\n <a> ;\trel = next ,, , \n\t<b>;rel=last,",
    ]);
    assert_eq!(targets(&links), ["a", "b"]);
    assert_eq!(rels(&links), ["next", "last"]);
    assert_eq!(parse(["< spaced >"])[0].target(), "spaced");
    assert_eq!(parse(["<>; rel=next"])[0].target(), "");
}

#[test]
fn missing_close_bracket_skips_only_that_element() {
    let links = parse([r#"<https://x/a; rel=prev, <https://x/b>; rel=next"#]);
    assert_eq!(targets(&links), ["https://x/b"]);
    let links =
        parse([r#"<https://x/a?q=1,2; title="p, q", <https://x/b>; rel=next, <https://x/c"#]);
    assert_eq!(targets(&links), ["https://x/b"]);
}

#[test]
fn stray_text_is_skipped() {
    let links = parse([r#"junk "quoted, still junk", <a> extra; rel=next; =5; ;"#]);
    assert_eq!(targets(&links), ["a"]);
    assert_eq!(links[0].rels(), ["next"]);
    assert!(links[0].params().is_empty());
}

#[test]
fn unterminated_quote_runs_to_the_end() {
    let links = parse([r#"<a>; rel=next; title="never closed, <b>; rel=last"#]);
    assert_eq!(targets(&links), ["a"]);
    assert_eq!(links[0].param("title"), Some("never closed, <b>; rel=last"));
}

#[test]
fn multibyte_garbage_does_not_panic() {
    for value in [
        "<é",
        "é>",
        "<€>;€=€;rel=\"€",
        "<a>;\\\u{1F600}",
        "\"\\",
        "<a>; x*=UTF-8''%\u{e9}",
        "<<>>",
    ] {
        let _ = parse([value]);
    }
}

#[test]
fn display_quotes_and_escapes() {
    let link = Link::new(
        "https://x/a?q=1,2",
        vec!["Next".into(), "last".into()],
        vec![
            ("title".into(), r#"a "b" \c"#.into()),
            ("title*".into(), "UTF-8''%E2%82%AC".into()),
        ],
    );
    let shown = link.to_string();
    assert_eq!(
        shown,
        r#"<https://x/a?q=1,2>; rel="next last"; title="a \"b\" \\c"; title*=UTF-8''%E2%82%AC"#
    );
    assert_eq!(parse([shown.as_str()]), [link]);
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Link>();
}

fn token() -> impl Strategy<Value = String> {
    "[-!#$%&'*+.^_`|~0-9A-Za-z]{1,10}"
}

fn link() -> impl Strategy<Value = Link> {
    let target = prop_oneof!["[!-~&&[^<>]]{0,40}", "[^<>\\s\\p{C}]{0,20}"];
    let rel = "[a-zA-Z0-9.:/_-]{1,12}";
    // `rel` and `rel*` are not plain parameters: `parse` reads them as the relation types.
    let name = token().prop_filter("not rel", |name| {
        !["rel", "rel*"].iter().any(|r| name.eq_ignore_ascii_case(r))
    });
    let value = prop_oneof!["[ -~]{0,20}", "\\PC{0,10}", token()];
    let params = prop::collection::vec((name, value), 0..4);
    (target, prop::collection::vec(rel, 0..4), params).prop_map(|(t, r, p)| Link::new(t, r, p))
}

fn join(links: &[Link], separator: &str) -> String {
    links
        .iter()
        .map(Link::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

proptest! {
    #[test]
    fn display_round_trips(
        links in prop::collection::vec(link(), 0..6),
        per_field in 1usize..4,
        separator in prop_oneof![Just(", "), Just(","), Just(",\n      "), Just(" , ,\t")],
    ) {
        prop_assert_eq!(&parse([join(&links, separator).as_str()]), &links);
        let fields: Vec<String> = links.chunks(per_field).map(|chunk| join(chunk, separator)).collect();
        prop_assert_eq!(&parse(fields.iter().map(String::as_str)), &links);
    }

    #[test]
    fn never_panics_and_reads_back_what_it_accepts(
        value in prop_oneof![any::<String>(), "[<>\";,=*' \\\\a-cé\u{1F600}]{0,60}"],
        bytes in prop::collection::vec(any::<u8>(), 0..100),
    ) {
        for value in [value.as_str(), &String::from_utf8_lossy(&bytes)] {
            let links = parse([value]);
            prop_assert_eq!(&parse([join(&links, ", ").as_str()]), &links);
        }
    }
}
