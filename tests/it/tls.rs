//! `https` end to end: a walk over TLS works with a certificate the agent
//! trusts, and nothing ever goes from `https` to plain `http` (a next link
//! or a redirect), not even with `allow_cross_origin`. And the connect
//! timeout holds.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use fixture::{Fixture, Item, Reply, TlsFixture, body, expected_names, linking, names, walk};
use pagewalk::{ErrorKind, Paginator};

#[test]
fn a_walk_over_tls_follows_its_next_links() {
    let tls = TlsFixture::start(|request| match request.param("page") {
        Some("2") => Reply::json(body(3..=4)),
        _ => linking(Reply::json(body(1..=2)), "/items?page=2"),
    });
    let paginator = Paginator::new(tls.url("/items")).agent(tls.agent());
    let (items, error) = walk::<Item>(paginator);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(names(&items), expected_names(4));
    assert_eq!(tls.requests().len(), 2);
}

/// A plain `http` origin that must never be asked anything.
fn plain_origin() -> Fixture {
    let plain = Fixture::start();
    plain.serve("/x", Reply::json(body(9..=9)));
    plain
}

fn assert_downgrade(paginator: Paginator, plain: &Fixture, items_before: usize) {
    let (items, error) = walk::<Item>(paginator);
    assert_eq!(items.len(), items_before);
    match error.as_ref().map(|error| error.kind()) {
        Some(ErrorKind::Downgrade { target, .. }) => {
            assert!(target.starts_with("http://127.0.0.1"), "{target}")
        }
        other => panic!("expected a downgrade, got {other:?}"),
    }
    assert_eq!(plain.request_count(), 0, "nothing may reach plain http");
}

#[test]
fn a_next_link_from_https_to_http_is_refused() {
    let plain = plain_origin();
    let target = plain.url("/x");
    let tls = TlsFixture::start(move |_| linking(Reply::json(body(1..=2)), &target));
    for allow in [false, true] {
        let paginator = Paginator::new(tls.url("/items"))
            .agent(tls.agent())
            .header("Authorization", "Bearer secret")
            .allow_cross_origin(allow);
        assert_downgrade(paginator, &plain, 2);
    }
}

#[test]
fn a_redirect_from_https_to_http_is_refused() {
    let plain = plain_origin();
    let target = plain.url("/x");
    let tls = TlsFixture::start(move |_| Reply::status(302, "").with_header("Location", &target));
    for allow in [false, true] {
        let paginator = Paginator::new(tls.url("/items"))
            .agent(tls.agent())
            .allow_cross_origin(allow);
        assert_downgrade(paginator, &plain, 0);
    }
}

#[test]
fn a_certificate_the_agent_does_not_trust_is_an_error() {
    let tls = TlsFixture::start(|_| Reply::json(body(1..=1)));
    let other = TlsFixture::start(|_| Reply::json(body(1..=1)));
    let paginator = Paginator::new(tls.url("/items"))
        .agent(other.agent())
        .retries(0);
    let (items, error) = walk::<Item>(paginator);
    assert!(items.is_empty());
    assert!(
        matches!(
            error.as_ref().map(|error| error.kind()),
            Some(ErrorKind::Transport)
        ),
        "{error:?}"
    );
}

#[test]
fn the_connect_timeout_holds() {
    // A listener that never accepts, with a backlog of one already taken:
    // the kernel lets further connections wait for ever.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(
            &"127.0.0.1:0"
                .parse::<std::net::SocketAddr>()
                .unwrap()
                .into(),
        )
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let _held: Vec<TcpStream> = (0..4)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_millis(100)).ok())
        .collect();
    let started = Instant::now();
    let (items, error) = walk::<Item>(
        Paginator::new(format!("http://{addr}/items"))
            .agent(fixture::agent())
            .connect_timeout(Duration::from_millis(300))
            .retries(0),
    );
    let waited = started.elapsed();
    assert!(items.is_empty());
    let error = error.expect("an error");
    assert!(error.is_timeout(), "{error:?}");
    // ureq's deadline and this clock disagree by a fraction of a millisecond.
    assert!(waited >= Duration::from_millis(250), "{waited:?}");
}
