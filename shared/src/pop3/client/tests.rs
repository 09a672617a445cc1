//! Byte-level tests of the session against a scripted in-memory server.

use super::*;
use crate::pop3::types::{MsgNum, RespCode, Secret};

const MSG1: &[u8] = b"From: a@example.org\r\nSubject: hola\r\n\r\n..stuffed\r\nbody\r\n";
const MSG1_UNSTUFFED: &[u8] = b"From: a@example.org\r\nSubject: hola\r\n\r\n.stuffed\r\nbody\r\n";

/// A scripted server: answers each complete command line from `script`.
struct ScriptedServer {
    script: fn(&str) -> Vec<u8>,
    received: Vec<u8>,
    to_client: Vec<u8>,
    commands: Vec<String>,
}

impl ScriptedServer {
    fn new(script: fn(&str) -> Vec<u8>) -> Self {
        ScriptedServer {
            script,
            received: Vec::new(),
            to_client: b"+OK ready <1.2@host>\r\n".to_vec(),
            commands: Vec::new(),
        }
    }

    fn receive(&mut self, bytes: &[u8]) {
        self.received.extend_from_slice(bytes);
        while let Some(pos) = self.received.windows(2).position(|w| w == b"\r\n") {
            let line: Vec<u8> = self.received.drain(..pos + 2).collect();
            let line = String::from_utf8(line[..pos].to_vec()).unwrap();
            self.to_client.extend((self.script)(&line));
            self.commands.push(line);
        }
    }
}

fn dovecot_like(line: &str) -> Vec<u8> {
    let reply: &[u8] = match line {
        "CAPA" => b"+OK\r\nTOP\r\nUIDL\r\nPIPELINING\r\nUSER\r\n.\r\n",
        "USER alice" => b"+OK\r\n",
        "PASS secret" => b"+OK Logged in.\r\n",
        "PASS wrong" => b"-ERR [AUTH] Authentication failed.\r\n",
        "STAT" => b"+OK 2 70\r\n",
        "UIDL" => b"+OK\r\n1 u-one\r\n2 u-two\r\n.\r\n",
        "LIST" => b"+OK 2 messages\r\n1 60\r\n2 10\r\n.\r\n",
        "RETR 2" => b"+OK\r\n.\r\n",
        "RETR 3" => b"-ERR There's no message 3.\r\n",
        "QUIT" => b"+OK Logging out.\r\n",
        "STLS" => b"+OK Begin TLS negotiation now.\r\n",
        _ => b"-ERR Unknown command\r\n",
    };
    if line == "RETR 1" {
        return [b"+OK 60 octets\r\n".as_slice(), MSG1, b".\r\n"].concat();
    }
    reply.to_vec()
}

/// What a run produced, in a form independent of chunking.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<String>,
    bodies: Vec<(Handle, Vec<u8>)>,
    commands: Vec<String>,
    error: Option<Error>,
}

/// Runs `client` against `server`, feeding the server's bytes `chunk` at a time.
fn drive(client: &mut Client, server: &mut ScriptedServer, chunk: usize) -> Outcome {
    let mut out = Outcome {
        events: Vec::new(),
        bodies: Vec::new(),
        commands: Vec::new(),
        error: None,
    };
    for _step in 0..100_000 {
        match client.next() {
            Ok(Event::Body { handle, chunk }) => match out.bodies.last_mut() {
                Some((h, body)) if *h == handle => body.extend(chunk),
                _ => out.bodies.push((handle, chunk)),
            },
            Ok(event) => out.events.push(format!("{event:?}")),
            Err(Interrupt::Io(Io::Output(bytes))) => server.receive(&bytes),
            Err(Interrupt::Io(Io::NeedMoreInput)) => {
                if server.to_client.is_empty() {
                    assert!(client.is_idle(), "client waits but server has nothing");
                    out.commands = server.commands.clone();
                    return out;
                }
                let n = chunk.min(server.to_client.len());
                let part: Vec<u8> = server.to_client.drain(..n).collect();
                client.feed(&part);
            }
            Err(Interrupt::Error(error)) => {
                out.commands = server.commands.clone();
                out.error = Some(error);
                return out;
            }
        }
    }
    panic!("session did not settle in 100,000 steps");
}

fn n(i: u32) -> MsgNum {
    MsgNum::try_from(i).unwrap()
}

fn full_session(chunk: usize) -> (Outcome, Client) {
    let mut client = Client::new(Options::default());
    let mut server = ScriptedServer::new(dovecot_like);
    for command in [
        Command::Capa,
        Command::user("alice").unwrap(),
        Command::pass(Secret::new("secret")).unwrap(),
        Command::Stat,
        Command::Uidl(None),
        Command::List(None),
        Command::Retr(n(1)),
        Command::Retr(n(2)),
        Command::Retr(n(3)),
        Command::Quit,
    ] {
        client.enqueue(command);
    }
    (drive(&mut client, &mut server, chunk), client)
}

#[test]
fn full_session_gives_the_same_outcome_at_every_chunk_size() {
    let (reference, client) = full_session(usize::MAX);
    assert_eq!(reference.error, None);
    assert_eq!(client.state(), SessionState::Closed);
    assert_eq!(reference.bodies.len(), 1, "RETR 2 is empty, RETR 3 fails");
    assert_eq!(reference.bodies[0].1, MSG1_UNSTUFFED);
    assert_eq!(reference.events.len(), 11, "{:#?}", reference.events);
    assert!(reference.events[0].starts_with("Greeting"));
    assert!(reference.events[4].contains("Stat { count: 2, size: 70 }"));
    assert!(reference.events[9].contains("There's no message 3."));
    let total_wire_len = 400;
    for chunk in 1..total_wire_len {
        let (outcome, _) = full_session(chunk);
        assert_eq!(outcome, reference, "chunk size {chunk}");
    }
}

#[test]
fn pipelining_sends_many_commands_in_one_write_after_capa() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    client.enqueue(Command::Capa);
    client.enqueue(Command::Uidl(None));
    client.enqueue(Command::Retr(n(1)));
    client.enqueue(Command::Retr(n(2)));
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(b"CAPA\r\n".to_vec()))),
        "before CAPA the client sends one command at a time"
    );
    client.feed(b"+OK\r\nPIPELINING\r\n.\r\n");
    assert!(matches!(client.next(), Ok(Event::Reply { .. })));
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(
            b"UIDL\r\nRETR 1\r\nRETR 2\r\n".to_vec()
        )))
    );
}

#[test]
fn without_pipelining_one_command_waits_for_the_previous_reply() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    client.enqueue(Command::Noop);
    client.enqueue(Command::Noop);
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(b"NOOP\r\n".to_vec())))
    );
    assert_eq!(client.next(), Err(Interrupt::Io(Io::NeedMoreInput)));
    client.feed(b"+OK\r\n");
    assert!(matches!(client.next(), Ok(Event::Reply { .. })));
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(b"NOOP\r\n".to_vec())))
    );
}

#[test]
fn wrong_password_carries_the_auth_code() {
    let mut client = Client::new(Options::default());
    let mut server = ScriptedServer::new(dovecot_like);
    client.enqueue(Command::user("alice").unwrap());
    let pass = client.enqueue(Command::pass(Secret::new("wrong")).unwrap());
    let outcome = drive(&mut client, &mut server, 7);
    let want = Event::Reply {
        handle: pass,
        result: Err(ServerError {
            code: Some(RespCode::Auth),
            text: "Authentication failed.".into(),
        }),
    };
    assert_eq!(outcome.events.last(), Some(&format!("{want:?}")));
    assert_eq!(client.state(), SessionState::Authorization);
}

#[test]
fn refused_greeting_is_an_error() {
    let mut client = Client::new(Options::default());
    client.feed(b"-ERR [SYS/TEMP] too many connections\r\n");
    let Err(Interrupt::Error(Error::GreetingRefused(e))) = client.next() else {
        panic!("expected a refused greeting");
    };
    assert_eq!(e.code, Some(RespCode::SysTemp));
}

#[test]
fn data_nobody_asked_for_is_an_error_and_stays_one() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n+OK surprise\r\n");
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert_eq!(client.next(), Err(Interrupt::Error(Error::UnexpectedData)));
    client.enqueue(Command::Noop);
    assert_eq!(client.next(), Err(Interrupt::Error(Error::UnexpectedData)));
}

#[test]
fn garbage_status_is_a_parse_error() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    client.enqueue(Command::Noop);
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert!(matches!(client.next(), Err(Interrupt::Io(Io::Output(_)))));
    client.feed(b"HTTP/1.1 400 Bad Request\r\n");
    assert!(matches!(
        client.next(),
        Err(Interrupt::Error(Error::Parse(ParseError::NotAStatus(_))))
    ));
}

#[test]
fn stls_is_a_barrier_until_tls_is_established() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    let stls = client.enqueue(Command::Stls);
    client.enqueue(Command::Capa);
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(b"STLS\r\n".to_vec())))
    );
    client.feed(b"+OK Begin TLS\r\n");
    assert_eq!(
        client.next(),
        Ok(Event::Reply {
            handle: stls,
            result: Ok(Reply::StartTls)
        })
    );
    assert_eq!(client.next(), Err(Interrupt::Io(Io::NeedMoreInput)));
    client.tls_established();
    assert_eq!(
        client.next(),
        Err(Interrupt::Io(Io::Output(b"CAPA\r\n".to_vec())))
    );
}

#[test]
fn bytes_injected_after_stls_ok_are_refused() {
    let mut client = Client::new(Options::default());
    client.feed(b"+OK ready\r\n");
    client.enqueue(Command::Stls);
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert!(matches!(client.next(), Err(Interrupt::Io(Io::Output(_)))));
    client.feed(b"+OK Begin TLS\r\n+OK injected\r\n");
    assert_eq!(client.next(), Err(Interrupt::Error(Error::DataAfterStls)));
}

#[test]
fn listing_lines_are_bounded() {
    let mut client = Client::new(Options {
        max_listing_lines: 2,
        ..Options::default()
    });
    client.feed(b"+OK ready\r\n");
    client.enqueue(Command::Uidl(None));
    assert!(matches!(client.next(), Ok(Event::Greeting(_))));
    assert!(matches!(client.next(), Err(Interrupt::Io(Io::Output(_)))));
    client.feed(b"+OK\r\n1 a\r\n2 b\r\n3 c\r\n.\r\n");
    assert_eq!(client.next(), Err(Interrupt::Error(Error::ListingTooLong)));
}

#[test]
fn body_chunks_respect_the_cap() {
    let mut client = Client::new(Options {
        max_chunk: 16,
        ..Options::default()
    });
    let mut server = ScriptedServer::new(dovecot_like);
    client.enqueue(Command::Retr(n(1)));
    let mut sizes = Vec::new();
    server.receive(b"");
    client.feed(&std::mem::take(&mut server.to_client));
    for _ in 0..1000 {
        match client.next() {
            Ok(Event::Body { chunk, .. }) => sizes.push(chunk.len()),
            Ok(Event::Reply { .. }) => break,
            Ok(_) => {}
            Err(Interrupt::Io(Io::Output(b))) => {
                server.receive(&b);
                client.feed(&std::mem::take(&mut server.to_client));
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(sizes.iter().all(|&s| s <= 16), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<usize>(), MSG1_UNSTUFFED.len());
}

mod auth {
    use super::*;
    use crate::pop3::auth::{Credentials, LoginMethod, Mechanism, SecretKind, encode_b64};

    fn greeted(options: Options) -> Client {
        let mut client = Client::new(options);
        client.feed(b"+OK ready <1896.697170952@postoffice.reston.mci.net>\r\n");
        assert!(matches!(client.next(), Ok(Event::Greeting(_))));
        client
    }

    fn creds(user: &str, secret: &str, kind: SecretKind) -> Credentials {
        Credentials {
            user: user.into(),
            secret: Secret::new(secret),
            kind,
        }
    }

    fn output(client: &mut Client) -> Vec<u8> {
        match client.next() {
            Err(Interrupt::Io(Io::Output(bytes))) => bytes,
            other => panic!("expected output, got {other:?}"),
        }
    }

    #[test]
    fn a_readable_secret_is_refused_without_tls_when_tls_is_required() {
        let mut client = greeted(Options::default());
        let alice = creds("alice", "pw", SecretKind::Password);
        for method in [
            LoginMethod::UserPass,
            LoginMethod::Sasl(Mechanism::Plain),
            LoginMethod::Sasl(Mechanism::Login),
        ] {
            assert_eq!(
                client.log_in(method, alice.clone(), b"n"),
                Err(AuthError::TlsRequired),
                "{method:?}"
            );
        }
        assert!(
            client
                .log_in(LoginMethod::Apop, alice.clone(), b"n")
                .is_ok()
        );
        client.tls_established();
        assert!(client.log_in(LoginMethod::UserPass, alice, b"n").is_ok());
    }

    #[test]
    fn cram_md5_runs_inside_the_client() {
        let mut client = greeted(Options::default());
        let tim = creds("tim", "tanstaaftanstaaf", SecretKind::Password);
        let handle = client
            .log_in(LoginMethod::Sasl(Mechanism::CramMd5), tim, b"n")
            .unwrap();
        client.enqueue(Command::Stat);
        assert_eq!(output(&mut client), b"AUTH CRAM-MD5\r\n", "AUTH goes alone");
        client.feed(b"+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
        let want = format!(
            "{}\r\n",
            encode_b64(b"tim b913a602c7eda7a495b4e6e7334d3890")
        );
        assert_eq!(output(&mut client), want.as_bytes());
        client.feed(b"+OK Logged in.\r\n");
        assert!(matches!(
            client.next(),
            Ok(Event::Reply { handle: h, result: Ok(_) }) if h == handle
        ));
        assert_eq!(client.state(), SessionState::Transaction);
        assert_eq!(output(&mut client), b"STAT\r\n");
    }

    #[test]
    fn a_long_token_waits_for_the_empty_challenge() {
        let mut client = greeted(Options {
            secure_transport: true,
            ..Options::default()
        });
        let token = "t".repeat(400);
        let ana = creds("ana@example.org", &token, SecretKind::OAuthToken);
        client
            .log_in(LoginMethod::Sasl(Mechanism::XOAuth2), ana, b"n")
            .unwrap();
        assert_eq!(output(&mut client), b"AUTH XOAUTH2\r\n");
        client.feed(b"+ \r\n");
        let initial = format!("user=ana@example.org\x01auth=Bearer {token}\x01\x01");
        let want = format!("{}\r\n", encode_b64(initial.as_bytes()));
        assert_eq!(output(&mut client), want.as_bytes());
    }

    #[test]
    fn an_oauth_refusal_is_acknowledged_then_reported() {
        let mut client = greeted(Options {
            secure_transport: true,
            ..Options::default()
        });
        let ana = creds("ana", "short", SecretKind::OAuthToken);
        let handle = client
            .log_in(LoginMethod::Sasl(Mechanism::OAuthBearer), ana, b"n")
            .unwrap();
        let line = output(&mut client);
        assert!(
            line.starts_with(b"AUTH OAUTHBEARER "),
            "initial response inline"
        );
        client.feed(b"+ eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=\r\n");
        assert_eq!(output(&mut client), b"AQ==\r\n");
        client.feed(b"-ERR [AUTH] Invalid token.\r\n");
        assert!(matches!(
            client.next(),
            Ok(Event::Reply { handle: h, result: Err(ServerError { code: Some(RespCode::Auth), .. }) }) if h == handle
        ));
        assert_eq!(client.state(), SessionState::Authorization);
    }

    #[test]
    fn apop_uses_the_greeting_timestamp() {
        let mut client = greeted(Options::default());
        client
            .log_in(
                LoginMethod::Apop,
                creds("mrose", "tanstaaf", SecretKind::Password),
                b"n",
            )
            .unwrap();
        let line = String::from_utf8(output(&mut client)).unwrap();
        assert!(line.starts_with("APOP mrose "), "{line}");
        assert_eq!(line.len(), "APOP mrose ".len() + 32 + 2);
    }

    #[test]
    fn a_continuation_outside_auth_is_a_protocol_error() {
        let mut client = greeted(Options::default());
        client.enqueue(Command::Noop);
        output(&mut client);
        client.feed(b"+ surprise\r\n");
        assert!(matches!(
            client.next(),
            Err(Interrupt::Error(Error::Parse(_)))
        ));
    }
}

mod time {
    use super::*;
    use std::time::Duration;

    const S: fn(u64) -> Duration = Duration::from_secs;

    fn logged_in() -> Client {
        let mut client = Client::new(Options::default());
        client.feed(b"+OK ready\r\n");
        client.enqueue(Command::user("u").unwrap());
        client.enqueue(Command::pass(Secret::new("p")).unwrap());
        for _ in 0..10 {
            match client.next() {
                Err(Interrupt::Io(Io::Output(_))) => client.feed(b"+OK\r\n"),
                Err(Interrupt::Io(Io::NeedMoreInput)) if client.is_idle() => break,
                _ => {}
            }
        }
        assert_eq!(client.state(), SessionState::Transaction);
        client.handle_timeout(S(100));
        client
    }

    #[test]
    fn a_reply_that_never_comes_times_out_and_bytes_keep_it_alive() {
        let mut client = logged_in();
        client.enqueue(Command::Retr(n(1)));
        assert!(matches!(client.next(), Err(Interrupt::Io(Io::Output(_)))));
        client.handle_timeout(S(110));
        assert_eq!(
            client.poll_timeout(),
            Some(S(170)),
            "60 s from when RETR left"
        );
        // Part of the body arrives: progress moves the deadline.
        client.feed(b"+OK\r\nsome body\r\n");
        assert!(matches!(client.next(), Ok(Event::Body { .. })));
        client.handle_timeout(S(160));
        assert_eq!(client.poll_timeout(), Some(S(220)));
        client.handle_timeout(S(219));
        assert_eq!(client.next(), Err(Interrupt::Io(Io::NeedMoreInput)));
        client.handle_timeout(S(220));
        assert_eq!(client.next(), Err(Interrupt::Error(Error::Timeout)));
        assert_eq!(client.poll_timeout(), None);
    }

    #[test]
    fn an_idle_session_sends_a_keepalive_noop_whose_reply_is_not_surfaced() {
        let mut client = logged_in();
        assert_eq!(
            client.poll_timeout(),
            Some(S(220)),
            "keep-alive after 120 s idle"
        );
        client.handle_timeout(S(200));
        assert_eq!(client.next(), Err(Interrupt::Io(Io::NeedMoreInput)));
        client.handle_timeout(S(220));
        assert_eq!(
            client.next(),
            Err(Interrupt::Io(Io::Output(b"NOOP\r\n".to_vec())))
        );
        client.feed(b"+OK\r\n");
        client.handle_timeout(S(221));
        assert_eq!(client.next(), Err(Interrupt::Io(Io::NeedMoreInput)));
        assert!(client.is_idle());
        assert_eq!(client.poll_timeout(), Some(S(341)));
    }

    #[test]
    fn nothing_is_timed_before_login_or_after_quit_when_idle() {
        let mut client = Client::new(Options::default());
        assert_eq!(client.poll_timeout(), None);
        client.feed(b"+OK ready\r\n");
        assert!(matches!(client.next(), Ok(Event::Greeting(_))));
        assert_eq!(
            client.poll_timeout(),
            None,
            "no keep-alive while not logged in"
        );
    }
}

mod utf8 {
    use super::*;
    use crate::pop3::auth::{Credentials, LoginMethod, SecretKind};

    /// A client that was greeted and read `capa`, then asked to log in as josé.
    fn logging_in_after(capa: &[u8]) -> (Client, Handle) {
        let mut client = Client::new(Options {
            require_tls: false,
            ..Options::default()
        });
        client.feed(b"+OK ready\r\n");
        client.enqueue(Command::Capa);
        assert!(matches!(client.next(), Ok(Event::Greeting(_))));
        assert!(matches!(client.next(), Err(Interrupt::Io(Io::Output(_)))));
        client.feed(capa);
        assert!(matches!(client.next(), Ok(Event::Reply { .. })));
        let credentials = Credentials {
            user: "josé".into(),
            secret: Secret::new("contraseña"),
            kind: SecretKind::Password,
        };
        let login = client
            .log_in(LoginMethod::UserPass, credentials, b"n")
            .unwrap();
        (client, login)
    }

    fn logged_in_after(capa: &[u8], utf8_reply: &[u8]) -> (Client, Vec<u8>) {
        let (mut client, login) = logging_in_after(capa);
        let Err(Interrupt::Io(Io::Output(sent))) = client.next() else {
            panic!("the login is sent");
        };
        client.feed(utf8_reply);
        client.feed(b"+OK\r\n+OK Logged in.\r\n");
        let mut replies = Vec::new();
        while let Ok(Event::Reply { handle, .. }) = client.next() {
            replies.push(handle);
        }
        assert_eq!(
            replies.last(),
            Some(&login),
            "the UTF8 reply is not surfaced"
        );
        assert_eq!(replies.len(), 2, "USER and PASS: {replies:?}");
        (client, sent)
    }

    #[test]
    fn utf8_is_sent_before_the_login_when_announced() {
        let capa = b"+OK\r\nUSER\r\nUTF8 USER\r\nPIPELINING\r\n.\r\n";
        let (client, sent) = logged_in_after(capa, b"+OK UTF8 enabled\r\n");
        assert_eq!(
            String::from_utf8(sent).unwrap(),
            "UTF8\r\nUSER josé\r\nPASS contraseña\r\n"
        );
        assert!(client.utf8_enabled());
    }

    #[test]
    fn a_refused_utf8_leaves_the_session_in_ascii_mode() {
        let capa = b"+OK\r\nUSER\r\nUTF8\r\nPIPELINING\r\n.\r\n";
        let (client, _) = logged_in_after(capa, b"-ERR not now\r\n");
        assert!(!client.utf8_enabled());
        assert_eq!(client.state(), SessionState::Transaction);
    }

    #[test]
    fn utf8_is_not_sent_to_a_server_that_does_not_announce_it() {
        let (mut client, _) = logging_in_after(b"+OK\r\nUSER\r\n.\r\n");
        assert_eq!(
            client.next(),
            Err(Interrupt::Io(Io::Output(
                "USER josé\r\n".as_bytes().to_vec()
            )))
        );
    }
}
