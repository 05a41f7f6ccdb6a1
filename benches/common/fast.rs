//! A server much faster than the client it measures: every response is
//! rendered once, before the clock starts, and served from memory over
//! keep-alive connections with `TCP_NODELAY`, a thread per connection. It
//! parses only the request line, `Content-Length` and, for `POST`s, the
//! cursor in the body; it never builds JSON while serving.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

/// A pre-rendered response: status line, headers and body, as sent.
pub type Rendered = Vec<u8>;

/// How a request finds its response: by path and query, or for a `POST`
/// by path and the cursor its body names (`"<field>":"<value>"`).
pub struct Routes {
    /// `GET` responses by path and query.
    pub get: HashMap<String, Rendered>,
    /// `POST` responses by path, then by cursor (`""` for none).
    pub post: HashMap<String, (String, HashMap<String, Rendered>)>,
}

/// A running fast server; it stops with the process.
pub struct FastServer {
    base: String,
    requests: Arc<AtomicUsize>,
}

impl FastServer {
    /// Serves the routes `make` renders for the server's base URL, on
    /// 127.0.0.1, each response after `latency`.
    pub fn start(make: impl FnOnce(&str) -> Routes, latency: Duration) -> FastServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let routes = Arc::new(make(&base));
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&requests);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let routes = Arc::clone(&routes);
                let counter = Arc::clone(&counter);
                thread::spawn(move || serve(stream, &routes, &counter, latency));
            }
        });
        FastServer { base, requests }
    }

    /// `base + path_and_query`.
    pub fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    /// `http://127.0.0.1:port`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests served so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

/// A `200` with `body` and `headers`, as bytes on the wire.
pub fn render(body: &[u8], headers: &[(&str, String)]) -> Rendered {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut rendered = out.into_bytes();
    rendered.extend_from_slice(body);
    rendered
}

const NOT_FOUND: &[u8] =
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

fn serve(stream: TcpStream, routes: &Routes, requests: &AtomicUsize, latency: Duration) {
    let _ = stream.set_nodelay(true);
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::with_capacity(64 * 1024, stream);
    let mut line = String::new();
    let mut body = Vec::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let mut parts = line.split_whitespace();
        let (method, target) = match (parts.next(), parts.next()) {
            (Some(method), Some(target)) => (method.to_owned(), target.to_owned()),
            _ => return,
        };
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        body.resize(length, 0);
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        requests.fetch_add(1, Ordering::Relaxed);
        if !latency.is_zero() {
            thread::sleep(latency);
        }
        let response = match method.as_str() {
            "POST" => routes
                .post
                .get(&target)
                .and_then(|(field, pages)| pages.get(cursor_in(&body, field).unwrap_or_default())),
            _ => routes.get.get(&target),
        };
        let bytes = response.map_or(NOT_FOUND, Vec::as_slice);
        if writer.write_all(bytes).is_err() {
            return;
        }
    }
}

/// The string value of `"field":"..."` in a JSON body, without parsing it.
fn cursor_in<'a>(body: &'a [u8], field: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(body).ok()?;
    let key = format!("\"{field}\":\"");
    let start = text.find(&key)? + key.len();
    let end = text[start..].find('"')? + start;
    Some(&text[start..end])
}
