//! A relay for one team: without the team's token nothing but /healthz answers (a
//! browser gets a sign-in page), the token works as Basic credentials and as a Bearer
//! token, the WebSocket is
//! refused before the upgrade without it, and guessing locks the address out.

use std::net::SocketAddr;

use cartero_native::relay_client::open_socket_with;
use cartero_relay::Config;
use cartero_relay::policy::AllowEntry;
use cartero_shared::wire::{ConnectQuery, Security};
use cartero_tests::relay::Relay;
use tokio_tungstenite::tungstenite;

const TOKEN: &str = "team-token-4417";

/// `Basic` credentials with the token as password, as a browser sends after its prompt.
fn basic(password: &str) -> String {
    let encoded = cartero_shared::pop3::auth::encode_b64(format!("equipo:{password}").as_bytes());
    format!("Basic {encoded}")
}

async fn team_relay() -> (Relay, SocketAddr) {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_addr = upstream.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut socket, _)) = upstream.accept().await {
            use tokio::io::AsyncWriteExt;
            let _ = socket.write_all(b"+OK team mail\r\n").await;
            held.push(socket);
        }
    });
    let mut config = Config::defaults();
    config.allow = vec![AllowEntry::ip(upstream_addr)];
    config.access_tokens = vec![TOKEN.into()];
    config.static_dir = Some(cartero_tests::app_dir());
    (Relay::start_with(config).await, upstream_addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_token_only_healthz_answers() {
    let (relay, upstream) = team_relay().await;
    for path in ["/", "/sw.js", "/demo.json", "/metrics"] {
        let reply = relay.get(path).await;
        assert_eq!(reply.status, 401, "{path}");
        let path_field = format!("path={path}");
        cartero_tests::wait_for_log_line(&["request refused", &path_field, "Unauthorized"]).await;
        assert!(
            reply.header("www-authenticate").starts_with("Basic"),
            "{path}"
        );
        assert_eq!(
            reply.header("x-frame-options"),
            "DENY",
            "{path}: headers too"
        );
    }
    assert_eq!(relay.get("/healthz").await.status, 200);
    // A browser asking for a page gets the sign-in form, in its language, not a prompt.
    let page = relay
        .get_with(
            "/",
            &[
                ("Accept", "text/html"),
                ("Accept-Language", "es-ES,es;q=0.9"),
            ],
        )
        .await;
    assert_eq!(page.status, 401);
    assert_eq!(page.header("www-authenticate"), "");
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("clave de acceso") && html.contains("action=\"/_access\""),
        "{html}"
    );
    let app = relay
        .get_with("/", &[("Authorization", &basic(TOKEN))])
        .await;
    assert_eq!(app.status, 200);
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(
        relay
            .get_with("/", &[("Authorization", &bearer)])
            .await
            .status,
        200
    );

    let query = ConnectQuery {
        host: upstream.ip().to_string(),
        port: upstream.port(),
        security: Security::None,
    };
    match open_socket_with(relay.addr, &query, None, &[]).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 401),
        other => panic!("a WebSocket without the token: {:?}", other.map(|_| ())),
    }
    let credentials = basic(TOKEN);
    let ws = open_socket_with(relay.addr, &query, None, &[("Authorization", &credentials)]).await;
    assert!(ws.is_ok(), "the WebSocket with the token: {:?}", ws.err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_the_token_locks_the_address_out() {
    let (relay, _) = team_relay().await;
    for guess in 0..cartero_relay::access::MAX_FAILURES {
        let wrong = basic(&format!("guess-{guess}"));
        let reply = relay.get_with("/", &[("Authorization", &wrong)]).await;
        assert_eq!(reply.status, 401, "guess {guess}");
    }
    let right = relay
        .get_with("/", &[("Authorization", &basic(TOKEN))])
        .await;
    assert_eq!(
        right.status, 429,
        "even the right token waits out the lockout"
    );
    assert_eq!(right.header("retry-after"), "60");
    cartero_tests::wait_for_log_line(&["request refused", "reason=TooManyFailures"]).await;
    let metrics = relay
        .get_with("/metrics", &[("Authorization", &basic(TOKEN))])
        .await;
    assert_eq!(
        metrics.status, 429,
        "the lockout covers every path but /healthz"
    );
    assert_eq!(relay.get("/healthz").await.status, 200);
}
