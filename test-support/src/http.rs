//! A minimal HTTP/1.1 server on a loopback port: std::net and a thread per connection.
//!
//! Small on purpose (no async runtime, no framework), and able to do what a framework
//! would not let a test do: close a connection without answering.
//!
//! Connections are kept alive unless the request or the response says `Connection: close`;
//! a stand-in that must close after every answer (as Spark's UI does) adds that header.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// A parsed request.
///
/// ```
/// use test_support::http::Request;
/// let req = Request {
///     method: "GET".into(),
///     target: "/api/search?tag=a&tag=b%20c".into(),
///     path: "/api/search".into(),
///     query: vec![("tag".into(), "a".into()), ("tag".into(), "b c".into())],
///     headers: vec![("authorization".into(), "Bearer t".into())],
///     body: Vec::new(),
/// };
/// assert_eq!(req.header("Authorization"), Some("Bearer t"));
/// assert_eq!(req.param("tag"), Some("a"));
/// assert_eq!(req.params("tag"), ["a", "b c"]);
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `POST`…
    pub method: String,
    /// The request target as sent: the path and the query, not decoded.
    pub target: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// Query parameters in order, decoded; repeated keys repeat.
    pub query: Vec<(String, String)>,
    /// Headers, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Request {
    /// The first header of that (case-insensitive) name; see [`Request`] for an example.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first query parameter of that name; see [`Request`] for an example.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated query parameter; see [`Request`] for an example.
    pub fn params(&self, name: &str) -> Vec<&str> {
        self.query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A response. Always sent with `Content-Length`.
///
/// ```
/// use test_support::http::Response;
/// let r = Response::text(301, "", "").with_header("Location", "/metrics/prometheus/");
/// assert_eq!(r.headers, [("Location".to_string(), "/metrics/prometheus/".to_string())]);
/// assert!(r.content_type.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The `Content-Type`; empty sends none.
    pub content_type: String,
}

impl Response {
    /// A JSON response.
    ///
    /// ```
    /// use test_support::http::Response;
    /// let r = Response::json(404, &serde_json::json!({"message": "not found"}));
    /// assert_eq!(r.content_type, "application/json");
    /// assert_eq!(r.body, br#"{"message":"not found"}"#);
    /// ```
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
            content_type: "application/json".into(),
        }
    }

    /// A response of any type.
    ///
    /// ```
    /// use test_support::http::Response;
    /// let r = Response::text(503, "text/plain", "Service Unavailable");
    /// assert_eq!((r.status, r.body.as_slice()), (503, &b"Service Unavailable"[..]));
    /// ```
    pub fn text(status: u16, content_type: &str, body: &str) -> Self {
        Self::bytes(status, content_type, body.as_bytes().to_vec())
    }

    /// A response of any type, with a body that need not be text (a file served as is).
    ///
    /// ```
    /// use test_support::http::Response;
    /// let r = Response::bytes(200, "application/octet-stream", vec![0, 159, 146, 150]);
    /// assert_eq!(r.body.len(), 4);
    /// ```
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            headers: Vec::new(),
            body,
            content_type: content_type.into(),
        }
    }

    /// With one more header. `Connection: close` also closes the connection once the
    /// response is sent.
    ///
    /// ```
    /// use test_support::http::Response;
    /// let r = Response::text(200, "text/plain", "ok").with_header("Connection", "close");
    /// assert_eq!(r.headers.len(), 1);
    /// ```
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What the handler wants done.
///
/// ```
/// use test_support::http::{Reply, Response};
/// // A proxy that crashes on writes and answers reads.
/// let reply = |method: &str| match method {
///     "POST" => Reply::Close,
///     _ => Reply::Respond(Response::text(200, "text/plain", "ok")),
/// };
/// assert_eq!(reply("POST"), Reply::Close);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this.
    Respond(Response),
    /// Close the connection without a word, as a crashing proxy would.
    Close,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// The server; stops accepting when dropped. Connections already open are served until
/// their client closes them (or 10 s of silence).
///
/// ```
/// use std::io::{Read, Write};
/// use test_support::http::{HttpServer, Reply, Response};
/// let s = HttpServer::start(|req| {
///     Reply::Respond(Response::text(200, "text/plain", &req.target).with_header("Connection", "close"))
/// })
/// .unwrap();
/// let mut conn = std::net::TcpStream::connect(s.addr()).unwrap();
/// conn.write_all(b"GET /a%20b?x=1 HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
/// let mut answer = String::new();
/// conn.read_to_string(&mut answer).unwrap(); // ends: the response said Connection: close
/// assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
/// assert!(answer.ends_with("\r\n\r\n/a%20b?x=1"), "{answer}");
/// ```
pub struct HttpServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Listens on `127.0.0.1:0` and serves every connection with `handler`.
    ///
    /// ```
    /// use test_support::http::{HttpServer, Reply, Response};
    /// let s = HttpServer::start(|_| Reply::Respond(Response::text(200, "text/plain", "hi"))).unwrap();
    /// assert!(s.url().starts_with("http://127.0.0.1:"));
    /// ```
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let stop2 = stop.clone();
        let accept = std::thread::Builder::new()
            .name("standin-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop2.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let handler = handler.clone();
                    let stop = stop2.clone();
                    let _ = std::thread::Builder::new()
                        .name("standin-conn".into())
                        .spawn(move || serve(conn, &*handler, &stop));
                }
            })?;
        Ok(HttpServer {
            addr,
            stop,
            accept: Some(accept),
        })
    }

    /// The bound address.
    ///
    /// ```
    /// use test_support::http::{HttpServer, Reply};
    /// let s = HttpServer::start(|_| Reply::Close).unwrap();
    /// assert!(s.addr().ip().is_loopback());
    /// ```
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    ///
    /// ```
    /// use test_support::http::{HttpServer, Reply};
    /// let s = HttpServer::start(|_| Reply::Close).unwrap();
    /// assert_eq!(s.url(), format!("http://{}", s.addr()));
    /// ```
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, handler: &Handler, stop: &AtomicBool) {
    // Idle keep-alive connections end on their own, so threads do not pile up.
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = conn.set_nodelay(true);
    let Ok(write_half) = conn.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(conn);
    loop {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let req = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(_) => {
                let _ = write_response(
                    &mut writer,
                    &Response::json(400, &serde_json::json!({"message": "malformed request"})),
                    true,
                );
                break;
            }
        };
        let close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        match handler(&req) {
            Reply::Respond(resp) => {
                let close = close || says_close(&resp.headers);
                if write_response(&mut writer, &resp, close).is_err() || close {
                    break;
                }
            }
            Reply::Close => {
                let _ = writer.shutdown(Shutdown::Both);
                break;
            }
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "request line"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "version"));
    }
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "headers"));
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        if headers.len() > 100 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "too many headers",
            ));
        }
        let (k, v) = h
            .split_once(':')
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "header"))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let header = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if header("transfer-encoding").is_some() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "chunked bodies are not supported",
        ));
    }
    let len: usize = header("content-length")
        .map(|v| {
            v.parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "length"))
        })
        .transpose()?
        .unwrap_or(0);
    if len > 64 << 20 {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "body too large"));
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Ok(Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        path: decode(path, false),
        query: query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k, true), decode(v, true))
            })
            .collect(),
        headers,
        body,
    }))
}

/// Percent-decoding; `+` is a space in query strings only.
fn decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

/// Whether the handler's headers already end the connection.
fn says_close(headers: &[(String, String)]) -> bool {
    headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"))
}

fn write_response(w: &mut TcpStream, r: &Response, close: bool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    if !r.content_type.is_empty() {
        head.push_str(&format!("Content-Type: {}\r\n", r.content_type));
    }
    head.push_str(&format!("Content-Length: {}\r\n", r.body.len()));
    for (k, v) in &r.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if close && !says_close(&r.headers) {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut buf = head.into_bytes();
    buf.extend_from_slice(&r.body);
    w.write_all(&buf)?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `raw` on a fresh connection and reads until the server closes it.
    fn exchange(server: &HttpServer, raw: &[u8]) -> String {
        let mut conn = TcpStream::connect(server.addr()).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        conn.write_all(raw).unwrap();
        let mut out = String::new();
        conn.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn an_empty_content_type_sends_none_and_connection_close_closes() {
        let s = HttpServer::start(|_| {
            Reply::Respond(
                Response::text(301, "", "")
                    .with_header("Location", "/x/")
                    .with_header("Connection", "close"),
            )
        })
        .unwrap();
        let answer = exchange(&s, b"GET /x HTTP/1.1\r\n\r\n");
        assert_eq!(
            answer,
            "HTTP/1.1 301 Moved Permanently\r\nContent-Length: 0\r\nLocation: /x/\r\nConnection: close\r\n\r\n"
        );
    }

    #[test]
    fn a_request_asking_to_close_gets_one_connection_close_header() {
        let s = HttpServer::start(|_| {
            Reply::Respond(
                Response::text(200, "text/plain", "ok").with_header("Connection", "close"),
            )
        })
        .unwrap();
        let answer = exchange(&s, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert_eq!(answer.matches("Connection: close").count(), 1, "{answer}");
    }

    #[test]
    fn a_malformed_request_gets_400_and_the_handler_is_not_called() {
        let s = HttpServer::start(|_| panic!("called")).unwrap();
        let answer = exchange(&s, b"nonsense\r\n\r\n");
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
    }

    #[test]
    fn close_answers_nothing() {
        let s = HttpServer::start(|_| Reply::Close).unwrap();
        assert_eq!(exchange(&s, b"GET / HTTP/1.1\r\n\r\n"), "");
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a%20b+c", true), "a b c");
        assert_eq!(decode("a+b", false), "a+b");
        assert_eq!(decode("100%", true), "100%");
        assert_eq!(decode("%2", true), "%2");
    }
}
