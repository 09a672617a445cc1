//! `cartero-relay`: parse the configuration, start logging, bind, serve.

use cartero_relay::{AppState, Config, demo};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let mut config = match Config::load() {
        Ok(config) => config,
        Err(cartero_relay::config::ConfigError::Invalid(e)) => e.exit(),
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    if config.demo {
        match demo::start("127.0.0.1:0").await {
            Ok(mailbox) => {
                tracing::info!(addr = %mailbox.addr, "demo POP3 mailbox listening");
                config.enable_demo(mailbox);
            }
            Err(error) => {
                eprintln!("cartero-relay: cannot start the demo mailbox: {error}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let state = match AppState::new(config.clone()) {
        Ok(state) => state,
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(config.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cartero-relay: cannot listen on {}: {error}", config.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    let url = format!("http://{}/", config.listen);
    tracing::info!(%url, "Cartero relay ready");
    println!("Cartero is running at {url}  (Ctrl-C stops it)");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match cartero_relay::serve(state, listener, shutdown).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cartero-relay: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
