//! Cartero's task runner: `cargo xtask <setup|build|run|test|lint>`.
//!
//! It installs what a fresh Debian/Ubuntu machine with only rustup is missing, and says
//! what it does before doing it. Only the standard library, so it builds in seconds.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Trunk builds the browser app (0.22 needs a newer rustc than the project's 1.95).
const TRUNK_VERSION: &str = "0.21.14";
/// cargo-fuzz runs the fuzz target (with the nightly toolchain the machine image has).
const CARGO_FUZZ_VERSION: &str = "0.13.2";
/// How long `cargo xtask test` fuzzes the reply parser.
const FUZZ_SECONDS: u32 = 60;
/// wasm-opt from npm: Debian's binaryen (108) produces a module that does not load.
const BINARYEN_NPM: &str = "binaryen@132.0.0";
const WASM_OPT_VERSION: &str = "version 132";
/// Debian packages the tests and the app need. Courier's are the second test server's
/// (its `courier-pop` itself conflicts with `dovecot-pop3d`: see [`unpack_courier_pop`]);
/// nginx and Caddy are the proxies `docs/deploy.md` configures, and debootstrap and
/// iproute2 stand in for a container engine; the deploy check uses them.
const APT_PACKAGES: [&str; 12] = [
    "chromium",
    "chromium-driver",
    "dovecot-core",
    "dovecot-pop3d",
    "openssl",
    "courier-base",
    "courier-authdaemon",
    "courier-authlib-userdb",
    "nginx",
    "caddy",
    "debootstrap",
    "iproute2",
];

type Result<T = ()> = std::result::Result<T, String>;

fn say(step: &str) {
    eprintln!("\n==> {step}");
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Runs a command, failing with its name when it fails.
fn run(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// The first line a command prints, or `None` when it cannot run.
fn output_of(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Where `cargo install` puts binaries.
fn cargo_bin_dir() -> PathBuf {
    if let Some(root) = env::var_os("CARGO_INSTALL_ROOT") {
        return PathBuf::from(root).join("bin");
    }
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

fn binaryen_dir() -> PathBuf {
    root().join("target/tools/binaryen")
}

/// PATH with the pinned tools first, as Trunk must find exactly them.
fn tool_path() -> OsString {
    let mut dirs = vec![binaryen_dir().join("node_modules/.bin"), cargo_bin_dir()];
    dirs.extend(env::split_paths(&env::var_os("PATH").unwrap_or_default()));
    env::join_paths(dirs).expect("valid PATH entries")
}

/// The first `tool` on [`tool_path`]: the one Trunk will use.
fn find_tool(tool: &str) -> Option<PathBuf> {
    env::split_paths(&tool_path())
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

fn version_of(tool: &str) -> Option<String> {
    output_of(find_tool(tool)?, &["--version"])
}

/// The wasm-bindgen version in Cargo.lock (the CLI must match it exactly).
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen entry".into())
}

fn missing_apt_packages() -> Vec<&'static str> {
    APT_PACKAGES
        .into_iter()
        .filter(|p| {
            output_of("dpkg-query", &["-W", "-f=${Status}", p])
                .is_none_or(|s| !s.contains("install ok installed"))
        })
        .collect()
}

fn apt_install(packages: &[&str]) -> Result {
    let is_root = output_of("id", &["-u"]).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut c = if is_root {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    run(&mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(packages);
    run(&mut install)
}

/// `courier-pop` and `dovecot-pop3d` both provide `pop3-server` and conflict, so the
/// second test server's two programs are unpacked from the package into `target/tools`
/// rather than installed (the tests' Courier fixture finds them there).
fn unpack_courier_pop() -> Result {
    let dir = root().join("target/tools/courier-pop");
    if dir
        .join("usr/lib/courier/courier/courierpop3login")
        .exists()
    {
        say("courier-pop (second test server): present in target/tools");
        return Ok(());
    }
    say("Unpacking courier-pop from Debian into target/tools (the second test server)");
    let download = root().join("target/tools/download");
    std::fs::create_dir_all(&download).map_err(|e| e.to_string())?;
    run(Command::new("apt-get")
        .args(["download", "-q", "courier-pop"])
        .current_dir(&download))?;
    let deb = std::fs::read_dir(&download)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".deb"))
        .ok_or("apt-get download left no courier-pop .deb")?;
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&dir))?;
    std::fs::remove_dir_all(&download).map_err(|e| e.to_string())
}

/// Installs what the tests and the build need that is missing; changes nothing that is
/// already right.
fn setup() -> Result {
    let mut apt_needed = missing_apt_packages();
    if output_of("npm", &["--version"]).is_none() {
        apt_needed.extend(["nodejs", "npm"]);
    }
    if apt_needed.is_empty() {
        say("Debian packages: all present");
    } else {
        say(&format!(
            "Installing Debian packages: {} (browser tests, test mail servers, the proxies and the container root docs/deploy.md uses, certificates)",
            apt_needed.join(" ")
        ));
        apt_install(&apt_needed)?;
    }
    unpack_courier_pop()?;
    setup_build_tools()?;
    setup_fuzzer()?;
    fetch_crates()
}

/// Installs only what building the app and the relay needs (the container's build
/// stage runs `cargo xtask build`, and needs no browser or mail server).
fn setup_for_build() -> Result {
    if output_of("npm", &["--version"]).is_none() {
        say("Installing Debian packages: nodejs npm (wasm-opt comes from npm)");
        apt_install(&["nodejs", "npm"])?;
    }
    setup_build_tools()?;
    fetch_crates()
}

/// The wasm target, Trunk, wasm-bindgen-cli and wasm-opt, at their pinned versions.
fn setup_build_tools() -> Result {
    let targets = output_of("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        say("Rust target wasm32-unknown-unknown: present");
    } else {
        say("Adding the Rust target wasm32-unknown-unknown (the browser app)");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let want_trunk = format!("trunk {TRUNK_VERSION}");
    if version_of("trunk").as_deref() == Some(want_trunk.as_str()) {
        say(&format!("{want_trunk}: present"));
    } else {
        say(&format!(
            "Installing {want_trunk} with cargo (builds the app; takes about 8 minutes once)"
        ));
        run(Command::new("cargo").args([
            "install",
            "--locked",
            &format!("trunk@{TRUNK_VERSION}"),
        ]))?;
    }

    let bindgen = locked_wasm_bindgen()?;
    let want_bindgen = format!("wasm-bindgen {bindgen}");
    if version_of("wasm-bindgen").as_deref() == Some(want_bindgen.as_str()) {
        say(&format!("wasm-bindgen-cli {bindgen}: present"));
    } else {
        say(&format!(
            "Installing wasm-bindgen-cli {bindgen} (must equal Cargo.lock; about 3 minutes once)"
        ));
        // Not --locked: its lock file pins a webpki-roots the registry no longer has.
        run(Command::new("cargo").args(["install", &format!("wasm-bindgen-cli@{bindgen}")]))?;
    }

    if version_of("wasm-opt").is_some_and(|v| v.contains(WASM_OPT_VERSION)) {
        say("wasm-opt 132: present");
    } else {
        say(&format!(
            "Installing wasm-opt from npm ({BINARYEN_NPM}) into target/tools"
        ));
        std::fs::create_dir_all(binaryen_dir()).map_err(|e| e.to_string())?;
        run(Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(binaryen_dir())
            .arg(BINARYEN_NPM))?;
    }
    Ok(())
}

/// cargo-fuzz, when the nightly toolchain it needs is installed.
fn setup_fuzzer() -> Result {
    if has_nightly() {
        let want_fuzz = format!("cargo-fuzz {CARGO_FUZZ_VERSION}");
        if version_of("cargo-fuzz").as_deref() == Some(want_fuzz.as_str()) {
            say(&format!("{want_fuzz}: present"));
        } else {
            say(&format!(
                "Installing {want_fuzz} (fuzzes the POP3 reply parser)"
            ));
            run(Command::new("cargo").args([
                "install",
                "--locked",
                &format!("cargo-fuzz@{CARGO_FUZZ_VERSION}"),
            ]))?;
        }
    }
    Ok(())
}

fn fetch_crates() -> Result {
    say("Fetching crates (Trunk builds offline afterwards)");
    run(Command::new("cargo").args(["fetch"]).current_dir(root()))
}

/// Whether the nightly toolchain is installed (the fuzzer needs it; rustup's servers are
/// not among the registries CI reaches, so it is used only when the machine has it).
fn has_nightly() -> bool {
    output_of("rustup", &["run", "nightly", "rustc", "--version"]).is_some()
}

/// The relay's load run, scaled down for CI; it fails only when sessions fail. Full
/// size (`--sessions 1000`, profile `relay`) and results: docs/benchmarks.md.
fn load_run() -> Result {
    say(
        "Relay load run (scaled down): 300 idle sessions, then bulk: direct TCP, a plain forwarder, the relay",
    );
    run(tests_bin("relay-load").args(["--sessions", "300", "--megabytes", "16"]))
}

/// `cargo run` of the tests crate's binary `bin`, its arguments to follow.
fn tests_bin(bin: &str) -> Command {
    let mut command = Command::new("cargo");
    command
        .args(["run", "-q", "-p", "cartero-tests", "--bin", bin, "--"])
        .current_dir(root());
    command
}

/// The mailbox benchmark scaled down (issue 11): 2,000 messages seeded into the app's store
/// in headless Chromium, then first rows, folders, scrolling, searches and orders. It
/// fails when one of them does not answer; its figures are for reading, not asserting
/// (docs/benchmarks.md has the full-size runs).
fn mailbox_run() -> Result {
    say("Mailbox benchmark (scaled down): 2,000 messages in Chromium");
    run(tests_bin("mailbox-open-bench")
        .arg("2000")
        .env("CARTERO_DIST", root().join("frontend/dist")))
}

/// Follows docs/deploy.md from scratch (scripts/deploy-check.sh).
fn deploy_check() -> Result {
    say(
        "Following docs/deploy.md from scratch: install, config, unit, nginx, Caddy, Containerfile",
    );
    run(Command::new("bash")
        .arg(root().join("scripts/deploy-check.sh"))
        .current_dir(root()))
}

fn fuzz() -> Result {
    if !has_nightly() {
        say("Skipping the fuzz run: no nightly toolchain here (rustup toolchain install nightly)");
        return Ok(());
    }
    say(&format!(
        "Fuzzing the POP3 reply parser for {FUZZ_SECONDS} s (cargo fuzz)"
    ));
    let fuzz =
        find_tool("cargo-fuzz").ok_or("cargo-fuzz is not installed: run `cargo xtask setup`")?;
    run(Command::new(fuzz)
        .args(["fuzz", "run", "replies", "--"])
        .arg(format!("-max_total_time={FUZZ_SECONDS}"))
        .current_dir(root().join("fuzz"))
        .env("PATH", tool_path())
        .env("RUSTUP_TOOLCHAIN", "nightly"))
}

fn build_app() -> Result {
    say("Building the browser app with Trunk (release)");
    let trunk = find_tool("trunk").ok_or("trunk is not installed: run `cargo xtask setup`")?;
    run(Command::new(trunk)
        .args(["build", "--release"])
        .current_dir(root())
        .env("PATH", tool_path())
        .env("TRUNK_SKIP_VERSION_CHECK", "true"))
}

fn build_relay() -> Result {
    say("Building the relay (profile `relay`: optimised for speed)");
    run(Command::new("cargo")
        .args(["build", "--profile", "relay", "-p", "cartero-relay"])
        .current_dir(root()))
}

fn lint() -> Result {
    say("Checking formatting and lints");
    run(Command::new("cargo")
        .args(["fmt", "--all", "--", "--check"])
        .current_dir(root()))?;
    // The frontend compiles natively too, so one workspace run lints every crate.
    run(Command::new("cargo")
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])
        .current_dir(root()))
}

fn test() -> Result {
    setup()?;
    lint()?;
    build_app()?;
    say("Running every test: unit, relay + Dovecot, browser end to end");
    let (passed, failed) = cargo_test()?;
    load_run()?;
    mailbox_run()?;
    deploy_check()?;
    fuzz()?;
    // The plain closing line CI reads, after the fuzzer's output.
    println!("\ntests: {passed} passed, {failed} failed");
    Ok(())
}

/// Runs `cargo test --workspace`, echoing its output, and adds up its result lines.
fn cargo_test() -> Result<(usize, usize)> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new("cargo")
        .args(["test", "--workspace"])
        .current_dir(root())
        .env("CARTERO_DIST", root().join("frontend/dist"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let (mut passed, mut failed) = (0, 0);
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout)
        .lines()
        .map_while(std::io::Result::ok)
    {
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            let count = |word: &str| {
                rest.split(';')
                    .find_map(|part| {
                        part.trim()
                            .strip_suffix(word)?
                            .trim()
                            .rsplit(' ')
                            .next()?
                            .parse::<usize>()
                            .ok()
                    })
                    .unwrap_or(0)
            };
            passed += count("passed");
            failed += count("failed");
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        println!("\ntests: {passed} passed, {failed} failed");
        return Err(format!("cargo test failed ({status})"));
    }
    Ok((passed, failed))
}

fn run_cartero(extra: &[String]) -> Result {
    setup()?;
    build_app()?;
    build_relay()?;
    say("Starting Cartero with the demo mailbox (Ctrl-C stops it)");
    let relay = root().join("target/relay/cartero-relay");
    let mut args = vec!["--demo".to_owned(), "--static".to_owned()];
    args.push(root().join("frontend/dist").display().to_string());
    args.extend(extra.iter().cloned());
    run(Command::new(relay).args(&args))
}

const USAGE: &str = "usage: cargo xtask <command>

  setup   install what is missing (Debian packages, wasm32 target, trunk,
          wasm-bindgen-cli pinned to Cargo.lock, wasm-opt 132)
  build   install the build tools only (wasm32 target, trunk, wasm-bindgen-cli,
          wasm-opt), then build the app and the relay
  run     build, then start Cartero with the demo mailbox; extra arguments go to
          the relay (e.g. cargo xtask run --listen 0.0.0.0:8080)
  test    setup, lint, build the app, run every test, then fuzz the reply
          parser for a minute (when the nightly toolchain is installed)
  lint    cargo fmt --check and clippy on every crate
  fuzz    fuzz the POP3 reply parser for a minute (nightly + cargo-fuzz)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("build") => setup_for_build()
            .and_then(|()| build_app())
            .and_then(|()| build_relay()),
        Some("run") => run_cartero(&args[1..]),
        Some("test") => test(),
        Some("lint") => lint(),
        Some("fuzz") => fuzz(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}
