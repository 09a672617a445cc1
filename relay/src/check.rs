//! `cartero-relay check-config`: validate the configuration as the relay would at start,
//! without serving, and show what is in effect.

use crate::config::Config;
use crate::state::AppState;

/// Checks what the relay checks at start (the CA file loads, the app directory holds an
/// app) and returns warnings about settings that are valid but likely wrong.
pub fn check(config: &Config) -> Result<Vec<String>, String> {
    AppState::new(config.clone()).map_err(|e| e.to_string())?;
    if let Some(dir) = &config.static_dir
        && !dir.join("index.html").is_file()
    {
        return Err(format!(
            "static: {} has no index.html (point it at Trunk's dist directory)",
            dir.display()
        ));
    }
    let mut warnings = Vec::new();
    if config.allow.is_empty() && !config.demo {
        warnings.push("allow is empty: the relay can reach no POP3 server".to_owned());
    }
    if config.static_dir.is_none() {
        warnings.push("static is not set: the relay serves no app, only /pop3".to_owned());
    }
    if config.max_sessions_per_ip > config.max_sessions {
        warnings.push(format!(
            "max-sessions-per-ip ({}) is above max-sessions ({}): one address can take every place",
            config.max_sessions_per_ip, config.max_sessions
        ));
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_app_and_an_unreadable_ca_file_are_errors_naming_the_key() {
        let mut config = Config::defaults();
        config.static_dir = Some("/nonexistent/dist".into());
        let error = check(&config).unwrap_err();
        assert!(error.starts_with("static:"), "{error}");
        let mut config = Config::defaults();
        config.ca_file = Some("/nonexistent/ca.pem".into());
        let error = check(&config).unwrap_err();
        assert!(error.starts_with("ca-file:"), "{error}");
    }

    #[test]
    fn an_empty_allowlist_is_a_warning() {
        let warnings = check(&Config::defaults()).unwrap();
        assert!(
            warnings.iter().any(|w| w.starts_with("allow is empty")),
            "{warnings:?}"
        );
    }
}
