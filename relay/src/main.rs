//! `cartero-relay`: parse the configuration, start logging, bind, serve; or, as
//! `cartero-relay check-config`, check the configuration and print it.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use cartero_relay::{AppState, Config, check, demo};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Colours only for a person at a terminal: journald and container logs get
        // plain text.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let checking = args.get(1).is_some_and(|a| a == "check-config");
    if checking {
        args.remove(1);
    }
    let mut config = match Config::load_from(args) {
        Ok(config) => config,
        Err(cartero_relay::config::ConfigError::Invalid(e)) => e.exit(),
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            return ExitCode::from(2);
        }
    };
    if checking {
        return check_config(&config);
    }
    if config.demo {
        match demo::start("127.0.0.1:0").await {
            Ok(mailbox) => {
                tracing::info!(addr = %mailbox.addr, "demo POP3 mailbox listening");
                config.enable_demo(mailbox);
            }
            Err(error) => {
                eprintln!("cartero-relay: cannot start the demo mailbox: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    let state = match AppState::new(config.clone()) {
        Ok(state) => state,
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cartero-relay: cannot listen on {}: {error}", config.listen);
            return ExitCode::FAILURE;
        }
    };
    let scheme = if config.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    if config.tls_cert.is_none() {
        // `systemctl reload` sends SIGHUP: without a certificate there is nothing to
        // reload, and the signal must not end the relay.
        let hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup());
        if let Ok(mut hangup) = hangup {
            tokio::spawn(async move {
                while hangup.recv().await.is_some() {
                    tracing::info!("SIGHUP: no certificate to reload; settings change on restart");
                }
            });
        }
    }
    let url = format!("{scheme}://{}/", config.listen);
    tracing::info!(%url, "Cartero relay ready");
    println!("Cartero is running at {url}  (Ctrl-C stops it)");
    let shutdown = async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        tracing::info!("shutting down: no new sessions");
    };
    match cartero_relay::serve(state, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `check-config`: errors exit 2 with the key at fault; warnings go to stderr; the
/// settings in effect go to stdout as a config file.
fn check_config(config: &Config) -> ExitCode {
    match check::check(config) {
        Ok(warnings) => {
            for warning in warnings {
                eprintln!("warning: {warning}");
            }
            print!("{}", config.effective_toml());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            ExitCode::from(2)
        }
    }
}
