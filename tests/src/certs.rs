//! A throwaway CA and a server certificate for `localhost` / `127.0.0.1`, made once per
//! test process with the `openssl` command.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// PEM files of the test PKI.
#[derive(Debug)]
pub struct TestPki {
    /// The directory holding the CA's key (for [`issue_server_cert`] and [`issue_cert`]).
    pub dir: PathBuf,
    /// The CA certificate (what clients must trust).
    pub ca: PathBuf,
    /// The server certificate, signed by the CA.
    pub server_cert: PathBuf,
    /// The server key.
    pub server_key: PathBuf,
    _dir: tempfile::TempDir,
}

/// `openssl req` options for a new P-256 key without a passphrase.
const NEW_EC_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
];

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl is installed (cargo xtask setup installs it)");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The names a test server's certificate is for.
pub const LOOPBACK_NAMES: &str = "DNS:localhost,IP:127.0.0.1";

/// Issues a new key and certificate for `localhost` / `127.0.0.1`, valid for 3 days,
/// signed by the CA in `ca_dir`, as `out_dir/NAME.key` and `out_dir/NAME.pem`.
pub fn issue_server_cert(ca_dir: &Path, out_dir: &Path, name: &str) {
    issue_cert(ca_dir, out_dir, name, LOOPBACK_NAMES, Validity::ThreeDays);
}

/// How long a test certificate is valid.
#[derive(Debug, Clone, Copy)]
pub enum Validity {
    /// From now for three days.
    ThreeDays,
    /// Ended a day before it began (`openssl x509 -days -1`, the only way OpenSSL 3.0's
    /// `x509` can back-date): a verifier finds it expired.
    Expired,
}

/// Issues a new key and certificate for `subject_alt_names` (`DNS:…,IP:…`), signed by
/// the CA in `ca_dir`, as `out_dir/NAME.key` and `out_dir/NAME.pem`. Each gets a random
/// serial, so certificates issued side by side never share state.
pub fn issue_cert(
    ca_dir: &Path,
    out_dir: &Path,
    name: &str,
    subject_alt_names: &str,
    validity: Validity,
) {
    let (key, csr, pem, ext) = (
        format!("{name}.key"),
        format!("{name}.csr"),
        format!("{name}.pem"),
        format!("{name}.ext"),
    );
    let mut request = vec!["req"];
    request.extend(NEW_EC_KEY);
    request.extend(["-keyout", &key, "-out", &csr, "-subj", "/CN=localhost"]);
    openssl(out_dir, &request);
    std::fs::write(
        out_dir.join(&ext),
        format!(
            "subjectAltName={subject_alt_names}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        ),
    )
    .expect("write the extension file");
    let (ca, ca_key) = (ca_dir.join("ca.pem"), ca_dir.join("ca.key"));
    let (ca, ca_key) = (ca.to_string_lossy(), ca_key.to_string_lossy());
    let days = match validity {
        Validity::ThreeDays => "3",
        Validity::Expired => "-1",
    };
    let serial = random_serial();
    openssl(
        out_dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca,
            "-CAkey",
            &ca_key,
            "-set_serial",
            &serial,
            "-out",
            &pem,
            "-days",
            days,
            "-extfile",
            &ext,
        ],
    );
}

/// A random positive serial number in hex, for `openssl x509 -set_serial`.
fn random_serial() -> String {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .expect("read /dev/urandom");
    bytes[0] &= 0x7f;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{hex}")
}

/// The process-wide test PKI.
pub fn test_pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("cartero-pki-")
            .tempdir()
            .expect("a temporary directory");
        let d = dir.path();
        let mut ca = vec!["req", "-x509"];
        ca.extend(NEW_EC_KEY);
        ca.extend([
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "3",
            "-subj",
            "/CN=Cartero test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ]);
        openssl(d, &ca);
        issue_server_cert(d, d, "server");
        TestPki {
            dir: d.to_owned(),
            ca: d.join("ca.pem"),
            server_cert: d.join("server.pem"),
            server_key: d.join("server.key"),
            _dir: dir,
        }
    })
}
