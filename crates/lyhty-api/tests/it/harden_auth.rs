//! Hardening of the HTTP edge against a real server on a loopback socket: sign-in
//! throttling by account and client address, panics, body limits, the cookie session.
//!
//! Linux routes all of 127.0.0.0/8 to the loopback interface, so a client bound to
//! 127.0.0.2 and one bound to 127.0.0.3 are two client addresses to the server.

use lyhty_api::settings::Settings;
use lyhty_api::state::AppState;
use lyhty_domain::Role;
use lyhty_store::{Actor, NewUser};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::IpAddr;

const PASSWORD: &str = "the-owners-password";

struct Server {
    url: String,
    state: AppState,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl Server {
    async fn start() -> Self {
        Self::start_with(Settings::default()).await
    }

    async fn start_with(settings: Settings) -> Self {
        let (_store, dir, url) = lyhty_store::testing::fresh_sqlite().await;
        let settings =
            Settings { database_url: url, jwt_secret: Some("test-secret-test-secret-test-secret".into()), ..settings };
        let state = lyhty_api::build_state(settings).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(lyhty_api::launch(state.clone(), listener, async move {
            let _ = stopped.await;
        }));
        Server { url, state, _dir: dir, _stop: stop }
    }

    async fn user(&self, email: &str, role: Role) {
        let password_hash = lyhty_api::auth::hash_password(PASSWORD).unwrap();
        let new = NewUser { email: email.into(), name: email.into(), role, org_id: None, password_hash };
        self.state.store.create_user(&Actor::system("test"), &new).await.unwrap();
    }
}

/// A client whose requests come from `addr` (a loopback address).
fn client_from(addr: &str) -> reqwest::Client {
    reqwest::Client::builder().local_address(addr.parse::<IpAddr>().unwrap()).build().unwrap()
}

async fn sign_in(
    client: &reqwest::Client,
    url: &str,
    email: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let res = client
        .post(format!("{url}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let retry_after = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
    (status, retry_after, res.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_wrong_passwords_is_throttled_and_the_owner_still_signs_in_elsewhere() {
    let server = Server::start().await;
    server.user("koordinaattori@valtori.fi", Role::Coordinator).await;
    let attacker = client_from("127.0.0.2");
    let owner = client_from("127.0.0.3");

    let burst = (0..200).map(|i| {
        let (attacker, url) = (attacker.clone(), server.url.clone());
        tokio::spawn(async move { sign_in(&attacker, &url, "koordinaattori@valtori.fi", &format!("guess-{i}")).await })
    });
    let burst: Vec<_> = burst.collect();
    // Meanwhile, from another address, the owner signs in.
    let (owner_status, _, owner_body) = sign_in(&owner, &server.url, "koordinaattori@valtori.fi", PASSWORD).await;
    assert_eq!(owner_status, StatusCode::OK, "{owner_body}");

    let mut wrong = 0;
    let mut throttled = 0;
    for reply in burst {
        let (status, retry_after, body) = reply.await.unwrap();
        match status {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                throttled += 1;
                assert_eq!(body["error"]["code"], "too_many_requests");
                let wait: u64 = retry_after.expect("Retry-After on every 429").parse().unwrap();
                assert!((1..=15 * 60).contains(&wait), "Retry-After {wait}");
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((wrong, throttled), (5, 195), "the default limit is 5 failures per account and address");

    // The right password from the attacker's address is refused too: the limit holds.
    let (status, _, _) = sign_in(&attacker, &server.url, "koordinaattori@valtori.fi", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    // And the owner keeps signing in, as often as they like.
    for _ in 0..8 {
        assert_eq!(sign_in(&owner, &server.url, "koordinaattori@valtori.fi", PASSWORD).await.0, StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_address_spraying_thirty_accounts_is_throttled() {
    let server = Server::start().await;
    server.user("ohjaus@example.fi", Role::Steering).await;
    let sprayer = client_from("127.0.0.4");
    let mut statuses = Vec::new();
    for i in 0..30 {
        statuses.push(sign_in(&sprayer, &server.url, &format!("user{i}@example.fi"), "Password123!").await.0);
    }
    let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(refused, 10, "20 attempts per address, then 429: {statuses:?}");
    assert!(statuses[..20].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    // The sprayer's address cannot sign in even a real account now; other addresses can.
    let (status, _, _) = sign_in(&sprayer, &server.url, "ohjaus@example.fi", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, _) = sign_in(&client_from("127.0.0.5"), &server.url, "ohjaus@example.fi", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let settings =
        Settings { login_max_failures: 2, trusted_proxies: vec!["127.0.0.6".parse().unwrap()], ..Settings::default() };
    let server = Server::start_with(settings).await;
    server.user("a@example.fi", Role::Analyst).await;
    let login = |client: reqwest::Client, forwarded: &'static str| {
        let url = server.url.clone();
        async move {
            client
                .post(format!("{url}/api/auth/login"))
                .header("x-forwarded-for", forwarded)
                .json(&json!({"email": "a@example.fi", "password": "wrong-wrong-wrong"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // An untrusted client cannot escape its limit by naming other addresses.
    let direct = client_from("127.0.0.7");
    let statuses = [
        login(direct.clone(), "198.51.100.1").await,
        login(direct.clone(), "198.51.100.2").await,
        login(direct, "198.51.100.3").await,
    ];
    assert_eq!(statuses, [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS]);
    // Through the trusted proxy, each forwarded client has its own allowance.
    let proxy = client_from("127.0.0.6");
    for client in ["198.51.100.1", "198.51.100.2"] {
        assert_eq!(login(proxy.clone(), client).await, StatusCode::UNAUTHORIZED);
        assert_eq!(login(proxy.clone(), client).await, StatusCode::UNAUTHORIZED);
        assert_eq!(login(proxy.clone(), client).await, StatusCode::TOO_MANY_REQUESTS);
    }
}

/// Sends `head` (a request line and headers, no body) on a raw socket and returns what the
/// server answered within five seconds.
async fn raw_request(url: &str, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = url.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut buf = [0u8; 4096];
        loop {
            match socket.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    answer.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&answer).contains("\"}}") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    assert!(read.is_ok(), "no complete answer within 5 s: {:?}", String::from_utf8_lossy(&answer));
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_at_once() {
    let server = Server::start().await;
    let started = std::time::Instant::now();
    let json = raw_request(
        &server.url,
        "POST /api/auth/login HTTP/1.1\r\nHost: lyhty\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n",
    )
    .await;
    assert!(json.starts_with("HTTP/1.1 413"), "{json}");
    assert!(json.contains(r#""code":"payload_too_large""#), "{json}");
    // The upload routes take more, but not 10^12 bytes either.
    let upload = raw_request(
        &server.url,
        "POST /api/orgs/0196f5a6-0000-7000-8000-000000000000/submissions HTTP/1.1\r\nHost: lyhty\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000000000\r\n\r\n",
    )
    .await;
    assert!(upload.starts_with("HTTP/1.1 413"), "{upload}");
    assert!(upload.contains(r#""code":"file_too_large""#), "{upload}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "took {:?}", started.elapsed());
}

#[tokio::test]
async fn json_routes_take_one_mebibyte_and_uploads_take_more() {
    let server = Server::start().await;
    server.user("koordinaattori@valtori.fi", Role::Coordinator).await;
    let client = reqwest::Client::new();
    let token = sign_in(&client, &server.url, "koordinaattori@valtori.fi", PASSWORD).await.2["token"]
        .as_str()
        .unwrap()
        .to_string();
    // 2 MiB of JSON, sent in chunks without a declared length: cut off at 1 MiB.
    let big = format!(r#"{{"email": "a@example.fi", "password": "{}"}}"#, "x".repeat(2 << 20));
    let answer = raw_chunked(&server.url, "/api/auth/login", big.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");
    // The same 2 MiB on an upload route is read (and then found not to be a multipart form).
    let res = client
        .post(format!("{}/api/payments/import", server.url))
        .bearer_auth(&token)
        .header("content-type", "multipart/form-data; boundary=zzz")
        .body(big)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["code"], "malformed_multipart");
}

/// Posts `body` as JSON in 64 KiB chunks (`Transfer-Encoding: chunked`, no declared
/// length) and returns the answer. The server may answer and stop reading early.
async fn raw_chunked(url: &str, path: &str, body: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let socket = tokio::net::TcpStream::connect(url.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: lyhty\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let (mut reader, mut writer) = socket.into_split();
    let body = body.to_vec();
    let writing = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        for chunk in body.chunks(64 * 1024) {
            writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            writer.write_all(chunk).await?;
            writer.write_all(b"\r\n").await?;
        }
        writer.write_all(b"0\r\n\r\n").await
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf).await {
            if n == 0 {
                break;
            }
            answer.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&answer).contains("\"}}") {
                break;
            }
        }
    })
    .await;
    writing.abort();
    assert!(read.is_ok(), "no answer within 10 s: {:?}", String::from_utf8_lossy(&answer));
    String::from_utf8_lossy(&answer).into_owned()
}

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

#[tokio::test]
async fn a_panicking_handler_answers_the_standard_500() {
    let server = Server::start().await;
    let routes = axum::Router::new()
        .route("/boom", axum::routing::get(boom))
        .route("/fine", axum::routing::get(|| async { "still here" }));
    let app = lyhty_api::with_middleware(routes, server.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let res = client.get(format!("{url}/boom")).send().await.expect("an answer, not a dropped connection");
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(res.headers().contains_key("x-request-id"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    assert!(!body.to_string().contains("a bug in a handler"), "the panic message is logged, not sent: {body}");
    assert_eq!(client.get(format!("{url}/fine")).send().await.unwrap().text().await.unwrap(), "still here");
}

/// The cookies of a `Set-Cookie` answer, as one `Cookie` request header.
fn cookie_header(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test]
async fn the_browser_session_is_a_cookie_and_changes_need_the_csrf_token() {
    let server = Server::start().await;
    server.user("koordinaattori@valtori.fi", Role::Coordinator).await;
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{}/api/auth/login", server.url))
        .json(&json!({"email": "koordinaattori@valtori.fi", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set: Vec<String> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().into()).collect();
    let session = set.iter().find(|c| c.starts_with("lyhty_session=")).expect("a session cookie");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(session.contains(attr), "{session} lacks {attr}");
    }
    let csrf_cookie = set.iter().find(|c| c.starts_with("lyhty_csrf=")).expect("a CSRF cookie");
    let csrf = csrf_cookie.split(';').next().unwrap().trim_start_matches("lyhty_csrf=").to_string();
    let cookies = cookie_header(&res);
    let token = res.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();

    // Reading needs only the cookie.
    let me = client.get(format!("{}/api/me", server.url)).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);

    let new_user =
        |email: &str| json!({"email": email, "name": "N", "role": "analyst", "password": "a-long-enough-password"});
    let create = |csrf: Option<&str>, email: &str| {
        let mut req =
            client.post(format!("{}/api/users", server.url)).header("cookie", &cookies).json(&new_user(email));
        if let Some(csrf) = csrf {
            req = req.header("x-csrf-token", csrf);
        }
        req.send()
    };
    let res = create(None, "a@example.fi").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "csrf_token_missing");
    let res = create(Some(&"0".repeat(64)), "a@example.fi").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "csrf_token_invalid");
    assert_eq!(create(Some(&csrf), "a@example.fi").await.unwrap().status(), StatusCode::CREATED);

    // Scripts with the bearer token need no CSRF token.
    let res = client
        .post(format!("{}/api/users", server.url))
        .bearer_auth(&token)
        .json(&new_user("b@example.fi"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // Signing out clears both cookies.
    let res = client.post(format!("{}/api/auth/logout", server.url)).header("cookie", &cookies).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cleared: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    assert!(cleared.iter().all(|c| c.contains("Max-Age=0")), "{cleared:?}");
    // Without a cookie or a token, nothing is signed in.
    let me = client.get(format!("{}/api/me", server.url)).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn swagger_ui_is_served_under_a_content_security_policy() {
    let server = Server::start().await;
    let res = reqwest::get(format!("{}/api/docs/", server.url)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers().get("content-security-policy").expect("a CSP header").to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("script-src 'self' 'unsafe"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let page = res.text().await.unwrap();
    assert!(!page.contains("<script>"), "an inline script would be blocked by the CSP:\n{page}");
}
