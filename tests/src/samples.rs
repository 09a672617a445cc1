//! Sample mail for tests: Spanish and English, encoded headers, dot-stuffing, an
//! attachment and a body large enough to arrive in many frames.

use crate::dovecot::{Mail, User};

/// The Spanish message's decoded subject.
pub const SPANISH_SUBJECT: &str = "Reunión del sábado — ¿quién trae café?";
/// The attachment's file name.
pub const ATTACHMENT_NAME: &str = "horario-tren.txt";
/// A phrase in the English message's body.
pub const ENGLISH_BODY_PHRASE: &str = "the ferry leaves at noon";

/// Alice's mailbox.
pub fn alice_mail() -> Vec<Mail> {
    let spanish = "From: =?UTF-8?Q?Ana_Mar=C3=ADa_Ruiz?= <ana@pueblo.example>\n\
To: alice@example.org\n\
Subject: =?UTF-8?Q?Reuni=C3=B3n_del_s=C3=A1bado_=E2=80=94_=C2=BFqui=C3=A9n_trae_caf=C3=A9=3F?=\n\
Date: Sat, 14 Nov 2026 10:00:00 +0100\n\
Message-ID: <es-1@pueblo.example>\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=UTF-8\n\
Content-Transfer-Encoding: 8bit\n\
\n\
Hola Alice:\n\
.Esta línea empieza con un punto.\n\
..Y esta con dos.\n\
.\n\
Nos vemos en la plaza.\n";
    let english = format!(
        "From: Ben Carter <ben@harbour.example>\n\
To: alice@example.org\n\
Subject: Ferry times for the island trip\n\
Date: Sun, 15 Nov 2026 08:30:00 +0000\n\
Message-ID: <en-1@harbour.example>\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=us-ascii\n\
\n\
Hi Alice, {ENGLISH_BODY_PHRASE}.\n{}",
        "A long day of sailing ahead of us, pack a jumper.\n".repeat(4000)
    );
    let attachment = format!(
        "From: Estación <info@tren.example>\n\
To: alice@example.org\n\
Subject: Your timetable\n\
Date: Mon, 16 Nov 2026 07:15:00 +0000\n\
Message-ID: <att-1@tren.example>\n\
MIME-Version: 1.0\n\
Content-Type: multipart/mixed; boundary=\"b1\"\n\
\n\
--b1\n\
Content-Type: text/plain; charset=UTF-8\n\
\n\
The timetable is attached.\n\
--b1\n\
Content-Type: text/plain; name=\"{ATTACHMENT_NAME}\"\n\
Content-Disposition: attachment; filename=\"{ATTACHMENT_NAME}\"\n\
Content-Transfer-Encoding: base64\n\
\n\
MDc6MDAgVmFsZGVvbGl2YQowNzo0NSBDaXVkYWQK\n\
--b1--\n"
    );
    vec![
        Mail::new("1763110800.M1P1.cartero", spanish),
        Mail::new("1763195400.M2P1.cartero", english),
        Mail::new("1763277300.M3P1.cartero", attachment),
    ]
}

/// The user `alice` (password `secret`) with [`alice_mail`].
pub fn alice() -> User {
    User {
        name: "alice".into(),
        password: "secret".into(),
        mail: alice_mail(),
    }
}

/// A message from `from` on day `day` of November 2026, with these id headers (`extra`).
fn on_day(uidl: &str, from: &str, day: u32, subject: &str, extra: &str) -> Mail {
    Mail::new(
        uidl,
        format!(
            "From: {from}\nTo: ana@x.example\nDate: {day:02} Nov 2026 10:00:00 +0000\n\
             Subject: {subject}\n{extra}Content-Type: text/plain; charset=utf-8\n\n\
             Texto de {uidl}.\n"
        ),
    )
}

/// A mailbox of conversations: "viaje", three messages joined by `References`
/// (`viaje`, `viaje-re`, `viaje-re2`, from the 1st to the 5th of November 2026); "aviso",
/// a reply joined by `In-Reply-To` alone (`aviso`, `aviso-re`, the 4th and the 6th); and
/// `suelto` (the 2nd), which shares a subject with "viaje" and nothing else.
pub fn conversation_mail() -> Vec<Mail> {
    vec![
        on_day(
            "viaje",
            "Ana Luisa <al@example.org>",
            1,
            "Viaje",
            "Message-ID: <viaje@x>\n",
        ),
        on_day(
            "viaje-re",
            "Bruno <bruno@example.org>",
            3,
            "Re: Viaje",
            "Message-ID: <viaje-re@x>\nIn-Reply-To: <viaje@x>\nReferences: <viaje@x>\n",
        ),
        on_day(
            "viaje-re2",
            "Carmen <carmen@example.org>",
            5,
            "Re: Viaje",
            "Message-ID: <viaje-re2@x>\nIn-Reply-To: <viaje-re@x>\n\
             References: <viaje@x>\n <viaje-re@x>\n",
        ),
        on_day(
            "aviso",
            "Banco <avisos@banco.example>",
            4,
            "Aviso",
            "Message-ID: <aviso@x>\n",
        ),
        on_day(
            "aviso-re",
            "Ana Luisa <al@example.org>",
            6,
            "Re: Aviso",
            "Message-ID: <aviso-re@x>\nIn-Reply-To: <aviso@x>\n",
        ),
        on_day(
            "suelto",
            "Zoe <zoe@example.org>",
            2,
            "Re: Viaje",
            "Message-ID: <suelto@x>\n",
        ),
    ]
}
