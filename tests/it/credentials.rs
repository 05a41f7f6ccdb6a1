//! `Paginator::credentials`: headers asked for before every request to the
//! start origin, and once more after a `401`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use fixture::{Fixture, Item, Reply, expected_names, linked_page, names, walk, walk_ok};
use pagewalk::{ErrorKind, Paginator};
use serde_json::json;

/// A token service and an API sharing it: a token is good for `uses`
/// requests, then the API answers 401 until a new one is issued.
#[derive(Clone, Default)]
struct Tokens {
    generation: Arc<AtomicUsize>,
    used: Arc<AtomicUsize>,
}

impl Tokens {
    /// The token the service issues now.
    fn issue(&self) -> String {
        format!("tok-{}", self.generation.load(Ordering::SeqCst))
    }

    /// Whether the API accepts `header`; spends one use of the current token.
    fn accept(&self, header: Option<&str>, uses: usize) -> bool {
        let current = format!("Bearer {}", self.issue());
        if header != Some(current.as_str()) {
            return false;
        }
        if self.used.fetch_add(1, Ordering::SeqCst) + 1 >= uses {
            // Expires after this request: the next one with it is refused.
            self.used.store(0, Ordering::SeqCst);
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
        true
    }
}

/// `/paged?page=N`, 23 items 5 a page, behind `tokens`.
fn expiring_api(server: &Fixture, tokens: &Tokens, uses: usize) {
    let tokens = tokens.clone();
    server.route("/paged", move |request| {
        if !tokens.accept(request.header("Authorization"), uses) {
            return Reply::status(401, r#"{"message": "token expired"}"#);
        }
        linked_page("/paged", request.page(), 5, 23)
    });
}

/// A client that caches its token and fetches a new one when told, counting
/// the calls and the refreshes.
fn client(
    tokens: &Tokens,
    calls: &Arc<AtomicUsize>,
    refreshes: &Arc<AtomicUsize>,
) -> impl Fn(&pagewalk::CredentialsRequest<'_>) -> Result<Vec<(String, String)>, String>
+ Send
+ Sync
+ 'static {
    let tokens = tokens.clone();
    let cached = Mutex::new(String::new());
    let (calls, refreshes) = (Arc::clone(calls), Arc::clone(refreshes));
    move |ask| {
        calls.fetch_add(1, Ordering::SeqCst);
        let mut token = cached.lock().map_err(|_| "poisoned".to_owned())?;
        if token.is_empty() || ask.is_refresh() {
            if ask.is_refresh() {
                refreshes.fetch_add(1, Ordering::SeqCst);
            }
            *token = tokens.issue();
        }
        Ok(vec![(
            "Authorization".to_owned(),
            format!("Bearer {token}"),
        )])
    }
}

#[test]
fn an_expiring_token_is_refreshed_mid_walk() {
    let server = Fixture::start();
    let tokens = Tokens::default();
    expiring_api(&server, &tokens, 2);
    let (calls, refreshes) = (Arc::default(), Arc::default());
    let items = walk_ok::<Item>(
        server
            .paginator("/paged")
            .credentials(client(&tokens, &calls, &refreshes)),
    );
    assert_eq!(names(&items), expected_names(23));
    // Five pages, a token for two: pages 3 and 5 are refused once each.
    let statuses: Vec<String> = server
        .requests()
        .iter()
        .map(|request| {
            request
                .header("Authorization")
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        statuses,
        [
            "tok-0", "tok-0", "tok-0", "tok-1", "tok-1", "tok-1", "tok-2"
        ]
        .map(|t| format!("Bearer {t}"))
    );
    assert_eq!(refreshes.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), server.request_count());
}

#[test]
fn a_second_401_is_the_walks_error_and_a_failed_callback_too() {
    let server = Fixture::start();
    server.serve("/never", Reply::status(401, r#"{"message": "no"}"#));
    let refreshes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&refreshes);
    let (items, error) = walk::<Item>(server.paginator("/never").credentials(move |ask| {
        counted.fetch_add(usize::from(ask.is_refresh()), Ordering::SeqCst);
        Ok(vec![("Authorization".into(), "Bearer x".into())])
    }));
    assert!(items.is_empty());
    assert!(matches!(
        error.expect("a 401").kind(),
        ErrorKind::Status { status: 401, .. }
    ));
    assert_eq!(
        (server.request_count(), refreshes.load(Ordering::SeqCst)),
        (2, 1)
    );

    let (_, error) = walk::<Item>(
        server
            .paginator("/never")
            .credentials(|_| Err("the vault is sealed".into())),
    );
    let error = error.expect("the callback's error");
    assert!(
        matches!(error.kind(), ErrorKind::Credentials { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("the vault is sealed"), "{error}");
    assert_eq!(
        server.request_count(),
        2,
        "nothing is sent without credentials"
    );
}

#[test]
fn the_callback_is_never_asked_for_another_origin() {
    let home = Fixture::start();
    let away = fixture::other_origin();
    let elsewhere = away.url("/away");
    away.serve(
        "/away",
        Reply::json(json!({"data": [fixture::item_json(2)]})),
    );
    home.serve(
        "/home",
        Reply::json(json!({"data": [fixture::item_json(1)], "next_page_url": elsewhere})),
    );
    let asked: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&asked);
    let items = walk_ok::<Item>(
        home.paginator("/home")
            .allow_cross_origin(true)
            .credentials(move |ask| {
                log.lock().unwrap().push(ask.url().to_string());
                Ok(vec![("Authorization".into(), "Bearer secret".into())])
            }),
    );
    assert_eq!(names(&items), expected_names(2));
    assert_eq!(*asked.lock().unwrap(), [home.url("/home")]);
    assert_eq!(away.requests()[0].header("Authorization"), None);
}

#[test]
fn a_signing_callback_sees_each_request() {
    let server = Fixture::start();
    server.route("/signed", |request| {
        let expected = format!("sig:{}", request.raw_url);
        if request.header("X-Signature") != Some(expected.as_str()) {
            return Reply::status(403, r#"{"message": "bad signature"}"#);
        }
        linked_page("/signed", request.page(), 10, 23)
    });
    let items = walk_ok::<Item>(
        Paginator::new(server.url("/signed"))
            .agent(fixture::agent())
            .credentials(|ask| {
                let url = ask.request().url();
                let path = match url.query() {
                    Some(query) => format!("{}?{query}", url.path()),
                    None => url.path().to_owned(),
                };
                Ok(vec![("X-Signature".into(), format!("sig:{path}"))])
            }),
    );
    assert_eq!(names(&items), expected_names(23));
}

#[test]
fn the_callbacks_headers_replace_fixed_ones_of_the_same_name() {
    let server = Fixture::start();
    server.serve(
        "/one",
        Reply::json(json!({"data": [fixture::item_json(1)]})),
    );
    let items = walk_ok::<Item>(
        server
            .paginator("/one")
            .header("Authorization", "Bearer stale")
            .header("X-Team", "blue")
            .credentials(|_| Ok(vec![("authorization".into(), "Bearer fresh".into())])),
    );
    assert_eq!(items.len(), 1);
    let request = &server.requests()[0];
    let authorizations: Vec<&str> = request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.as_str())
        .collect();
    assert_eq!(authorizations, ["Bearer fresh"]);
    assert_eq!(request.header("X-Team"), Some("blue"));
}
