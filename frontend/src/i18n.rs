//! Spanish and English texts. Every word the app shows comes from here.

/// Where the chosen language is kept (`localStorage`).
const LANG_KEY: &str = "cartero-lang";

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Español.
    Es,
    /// English.
    En,
}

impl Lang {
    /// The language the person chose on this device before, else the browser's.
    pub fn chosen_or_browser() -> Lang {
        let chosen = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LANG_KEY).ok().flatten());
        match chosen.as_deref() {
            Some("es") => Lang::Es,
            Some("en") => Lang::En,
            _ => Lang::from_browser(),
        }
    }

    /// Remembers the person's choice on this device.
    pub fn remember(self) {
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(LANG_KEY, self.tag());
        }
    }

    /// Spanish when the browser prefers it, English otherwise.
    pub fn from_browser() -> Lang {
        let preferred = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        if preferred.to_ascii_lowercase().starts_with("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    /// The BCP 47 tag, for dates.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Lang {
        match self {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        }
    }
}

/// A text the app shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum T {
    Tagline,
    AddAccount,
    Email,
    Server,
    Port,
    Security,
    SecurityTls,
    SecurityStarttls,
    SecurityNone,
    Username,
    Password,
    RememberPassword,
    SaveAccount,
    TryDemo,
    CleartextWarning,
    FormIncomplete,
    Sync,
    NeverSynced,
    Connecting,
    Securing,
    LoggingIn,
    Listing,
    UpToDate,
    LoginDelayAsks,
    SyncingAt,
    NewMessages,
    NewMessagesOne,
    Downloading,
    Of,
    PasswordNeeded,
    NoMessages,
    CheckEvery,
    NextCheckAt,
    PartialMessage,
    CannotOpen,
    SelectMessage,
    From,
    To,
    Date,
    Attachments,
    Back,
    Search,
    NoSubject,
    ErrWrongPassword,
    ErrNotAllowed,
    ErrRelayUnreachable,
    ErrConnectFailed,
    ErrResolveFailed,
    ErrTls,
    CertUnknownIssuer,
    CertExpired,
    CertNotYetValid,
    CertWrongName,
    CertInvalid,
    ErrTimeout,
    ErrTooManySessions,
    ErrShuttingDown,
    ErrConnectionLost,
    ErrStorage,
    ErrServer,
    ErrInUse,
    NoUidlWarning,
    DeletingOnServer,
    PolicyTitle,
    PolicyMode,
    PolicyLeave,
    PolicyDelete,
    PolicyLeaveDays,
    PolicyDays,
    PolicyDeleteWhenDeletedHere,
    PolicyHeadersOnly,
    PolicyHint,
    PolicyInvalid,
    PolicyRefusedNoUidl,
    DeletedOnServer,
    DeletedOnServerOne,
    SyncBusy,
    SyncCancelled,
    Cancel,
    ErrListingRefused,
    ErrStorageFull,
    ErrServerBusy,
    ErrLoginDelay,
    ErrNoStls,
    ErrProtocol,
    ErrBadRequest,
    ErrInternal,
    StorageLoadFailed,
    EditAccount,
    AccountName,
    AccountColour,
    PasswordKeepHint,
    Accounts,
    AllInboxes,
    RemoveAccount,
    RemoveExplain,
    RemoveKeepMail,
    RemoveMailWarning,
    KeptMail,
    KeptExplain,
    DeleteKeptMail,
    MailboxChangeHint,
    Dismiss,
    NewMail,
    NewMailOne,
    MarkUnread,
    RemoteBlocked,
    RemoteBlockedOne,
    ShowRemoteAlways,
    ForwardedMessage,
    OpenAttachment,
    ShowSource,
    HideSource,
    SaveEml,
    ShowRemote,
    ShowPlainText,
    ShowFormatted,
    PlainAlways,
    RemoteAlwaysOn,
    RemoteStop,
    AttachmentUnreadable,
    NoteCutShort,
    NoteUndecodable,
    LinkGoesTo,
    MessageContent,
    DeleteMessage,
    DeleteQuestion,
    DeleteExplainServer,
    DeleteExplainKeep,
    DeleteAfterSync,
    Deleting,
    ErrDelete,
    ErrMove,
    Unread,
    NotifyTitle,
    NotifyNewMail,
    NotifyRefused,
    PassphraseForget,
    PassphraseWrong,
    PassphraseUnavailable,
    PassphraseLocked,
    PassphraseTooShort,
    PassphraseMismatch,
    UnlockTitle,
    UnlockExplain,
    Unlock,
    NotNow,
    Settings,
    PassphraseTitle,
    PassphraseOff,
    PassphraseOn,
    PassphraseExplain,
    PassphraseNew,
    PassphraseAgain,
    PassphraseSet,
    PassphraseRemove,
    PassphraseSaved,
    Close,
    KeysTitle,
    KeyNext,
    KeyPrevious,
    KeyUnread,
    KeyDelete,
    KeySearch,
    KeyBack,
    KeyHelp,
    MessagesLabel,
    KeyFlag,
    KeyArchive,
    KeyMove,
    KeyDeleteForGood,
    Folders,
    FolderInbox,
    FolderArchive,
    FolderSent,
    FolderDrafts,
    FolderTrash,
    MoveTo,
    Flag,
    Unflag,
    Flagged,
    Archive,
    EmptyTrash,
    EmptyTrashQuestion,
    EmptyTrashExplain,
    Rules,
    RulesExplain,
    RuleAdd,
    RuleEdit,
    RuleRemove,
    RuleOn,
    RuleName,
    RuleMatchAll,
    RuleMatchAny,
    RuleFieldFrom,
    RuleFieldToCc,
    RuleFieldSubject,
    RuleFieldHeader,
    RuleFieldSize,
    RuleFieldAccount,
    RuleTestContains,
    RuleTestLacks,
    RuleTestIs,
    RuleTestOver,
    RuleTestUnder,
    RuleValue,
    RuleHeaderName,
    RuleConditionAdd,
    RuleConditionRemove,
    RuleThen,
    RuleMoveNone,
    RuleMoveTo,
    RuleMarkRead,
    RuleFlag,
    RuleToTrash,
    RuleSave,
    RuleRun,
    RuleNeedsAction,
    RuleSizeNumber,
    RuleNeedsHeader,
    RulesSaved,
    RulesRanOne,
    RulesRanMany,
    ErrRules,
    NoRules,
    RuleOne,
    Indexing,
    IndexedOne,
    IndexedMany,
    SearchFilters,
    ErrFolder,
    FolderNew,
    FolderNameLabel,
    FolderInside,
    FolderTop,
    FolderSave,
    FolderRename,
    FolderDelete,
    FolderDeleteAsk,
    ErrFolderEmpty,
    ErrFolderLong,
    ErrFolderTaken,
    ErrFolderDeep,
    DeleteManyQuestion,
    TickMessage,
    SelectedOne,
    SelectedMany,
    BulkRead,
    BulkUnread,
    BulkFlag,
    BulkClear,
    KeySelect,
    SortLabel,
    SortNewest,
    SortOldest,
    SortSenderAz,
    SortSenderZa,
    SortLargest,
    SortSmallest,
    SortSearch,
    SelectAll,
    KeySelectAll,
    ErrFolderHasInside,
    SortConversations,
    InThread,
    ThreadOne,
    ThreadMany,
    SettingsFileTitle,
    SettingsFileExplain,
    SettingsExport,
    SettingsImport,
    SettingsImporting,
    ImportFirstRun,
    ImportAdded,
    ImportNothingNew,
    ImportAskPasswords,
    ImportAccountOne,
    ImportAccountMany,
    ImportFolderOne,
    ImportFolderMany,
    ImportRuleOne,
    ImportRuleMany,
    ImportSenderOne,
    ImportSenderMany,
    ErrImportRead,
    ErrImportNotSettings,
    ErrImportNewer,
    ErrImportAccount,
    ErrImportFolder,
    ErrImportStore,
    ErrImportFull,
    ErrExport,
}

/// `n` and the words that follow it, singular (`one`) for 1 and plural (`many`) for any
/// other count, as Spanish and English both say it: "1 mensaje", "0 mensajes".
pub fn counted(lang: Lang, n: u64, one: T, many: T) -> String {
    format!("{n} {}", tr(lang, if n == 1 { one } else { many }))
}

/// The text `t` in `lang`.
pub fn tr(lang: Lang, t: T) -> &'static str {
    use T::*;
    match (lang, t) {
        (Lang::Es, Tagline) => "Tu correo POP3, también sin conexión.",
        (Lang::En, Tagline) => "Your POP3 mail, even offline.",
        (Lang::Es, AddAccount) => "Añadir una cuenta",
        (Lang::En, AddAccount) => "Add an account",
        (Lang::Es, Email) => "Correo electrónico",
        (Lang::En, Email) => "Email address",
        (Lang::Es, Server) => "Servidor POP3",
        (Lang::En, Server) => "POP3 server",
        (Lang::Es, Port) => "Puerto",
        (Lang::En, Port) => "Port",
        (Lang::Es, Security) => "Seguridad",
        (Lang::En, Security) => "Security",
        (Lang::Es, SecurityTls) => "TLS (recomendado, puerto 995)",
        (Lang::En, SecurityTls) => "TLS (recommended, port 995)",
        (Lang::Es, SecurityStarttls) => "STARTTLS (puerto 110)",
        (Lang::En, SecurityStarttls) => "STARTTLS (port 110)",
        (Lang::Es, SecurityNone) => "Ninguna (inseguro)",
        (Lang::En, SecurityNone) => "None (insecure)",
        (Lang::Es, Username) => "Usuario",
        (Lang::En, Username) => "User name",
        (Lang::Es, Password) => "Contraseña",
        (Lang::En, Password) => "Password",
        (Lang::Es, RememberPassword) => "Recordar la contraseña en este dispositivo",
        (Lang::En, RememberPassword) => "Remember the password on this device",
        (Lang::Es, SaveAccount) => "Guardar cuenta",
        (Lang::En, SaveAccount) => "Save account",
        (Lang::Es, TryDemo) => "Probar la cuenta de demostración",
        (Lang::En, TryDemo) => "Try the demo account",
        (Lang::Es, CleartextWarning) => {
            "Sin seguridad, tu contraseña y tu correo viajan sin cifrar entre el relé y el servidor: cualquiera en esa red puede leerlos. Usa TLS o STARTTLS si tu servidor lo admite."
        }
        (Lang::En, CleartextWarning) => {
            "Without security, your password and your mail travel unencrypted between the relay and the server: anyone on that network can read them. Use TLS or STARTTLS if your server supports it."
        }
        (Lang::Es, FormIncomplete) => "Rellena el servidor, el puerto y el usuario.",
        (Lang::En, FormIncomplete) => "Fill in the server, the port and the user name.",
        (Lang::Es, Sync) => "Sincronizar",
        (Lang::En, Sync) => "Sync",
        (Lang::Es, NeverSynced) => "Aún no se ha sincronizado.",
        (Lang::En, NeverSynced) => "Not synced yet.",
        (Lang::Es, Connecting) => "Conectando…",
        (Lang::En, Connecting) => "Connecting…",
        (Lang::Es, Securing) => "Cifrando la conexión…",
        (Lang::En, Securing) => "Securing the connection…",
        (Lang::Es, LoggingIn) => "Iniciando sesión…",
        (Lang::En, LoggingIn) => "Logging in…",
        (Lang::Es, Listing) => "Buscando correo nuevo…",
        (Lang::En, Listing) => "Checking for new mail…",
        (Lang::Es, LoginDelayAsks) => "El servidor pide una pausa entre conexiones",
        (Lang::En, LoginDelayAsks) => "The server asks for a pause between connections",
        (Lang::Es, SyncingAt) => "se sincronizará a las",
        (Lang::En, SyncingAt) => "syncing at",
        (Lang::Es, UpToDate) => "Al día.",
        (Lang::En, UpToDate) => "Up to date.",
        (Lang::Es, NewMessages) => "mensajes nuevos guardados.",
        (Lang::Es, NewMessagesOne) => "mensaje nuevo guardado.",
        (Lang::En, NewMessagesOne) => "new message saved.",
        (Lang::En, NewMessages) => "new messages saved.",
        (Lang::Es, Downloading) => "Descargando",
        (Lang::En, Downloading) => "Downloading",
        (Lang::Es, Of) => "de",
        (Lang::En, Of) => "of",
        (Lang::Es, PasswordNeeded) => "Escribe la contraseña para sincronizar.",
        (Lang::En, PasswordNeeded) => "Enter the password to sync.",
        (Lang::Es, PartialMessage) => {
            "Este mensaje es grande: solo se guardaron sus cabeceras. Descargando el resto…"
        }
        (Lang::En, PartialMessage) => {
            "This message is large: only its headers were saved. Downloading the rest…"
        }
        (Lang::Es, CannotOpen) => {
            "Este mensaje no se puede abrir: no está guardado en este dispositivo, o el navegador no pudo leerlo."
        }
        (Lang::En, CannotOpen) => {
            "This message cannot be opened: it is not stored on this device, or the browser could not read it."
        }
        (Lang::Es, CheckEvery) => {
            "Buscar correo nuevo cada (minutos; 0: solo al pulsar Sincronizar)"
        }
        (Lang::En, CheckEvery) => "Check for new mail every (minutes; 0: only when I press Sync)",
        (Lang::Es, NextCheckAt) => "Próxima comprobación a las",
        (Lang::En, NextCheckAt) => "Next check at",
        (Lang::Es, NoMessages) => "No hay mensajes. Pulsa «Sincronizar».",
        (Lang::En, NoMessages) => "No messages yet. Press “Sync”.",
        (Lang::Es, SelectMessage) => "Elige un mensaje para leerlo.",
        (Lang::En, SelectMessage) => "Choose a message to read it.",
        (Lang::Es, From) => "De",
        (Lang::En, From) => "From",
        (Lang::Es, To) => "Para",
        (Lang::En, To) => "To",
        (Lang::Es, Date) => "Fecha",
        (Lang::En, Date) => "Date",
        (Lang::Es, Attachments) => "Adjuntos",
        (Lang::En, Attachments) => "Attachments",
        (Lang::Es, Back) => "Volver",
        (Lang::En, Back) => "Back",
        (Lang::Es, Indexing) => "Preparando la búsqueda:",
        (Lang::En, Indexing) => "Preparing search:",
        (Lang::Es, IndexedOne) => {
            "mensaje listo. Hasta que termine, se busca solo en remitentes y asuntos."
        }
        (Lang::En, IndexedOne) => {
            "message ready. Until it is done, search looks at senders and subjects only."
        }
        (Lang::Es, IndexedMany) => {
            "mensajes listos. Hasta que termine, se busca solo en remitentes y asuntos."
        }
        (Lang::En, IndexedMany) => {
            "messages ready. Until it is done, search looks at senders and subjects only."
        }
        (Lang::Es, SearchFilters) => {
            "Busca en remitentes, destinatarios, asuntos y textos. Filtros: de:ana, asunto:factura, tiene:adjunto, es:noleido, es:destacado, desde:2026-01-31, hasta:2026-02-28"
        }
        (Lang::En, SearchFilters) => {
            "Searches senders, recipients, subjects and text. Filters: from:ana, subject:invoice, has:attachment, is:unread, is:flagged, after:2026-01-31, before:2026-03-01"
        }
        (Lang::Es, ErrFolder) => "No se pudo guardar la carpeta. Inténtalo de nuevo.",
        (Lang::En, ErrFolder) => "The folder could not be saved. Try again.",
        (Lang::Es, FolderNew) => "Nueva carpeta",
        (Lang::En, FolderNew) => "New folder",
        (Lang::Es, FolderNameLabel) => "Nombre de la carpeta",
        (Lang::En, FolderNameLabel) => "Folder name",
        (Lang::Es, FolderInside) => "Dentro de",
        (Lang::En, FolderInside) => "Inside",
        (Lang::Es, FolderTop) => "Ninguna (primer nivel)",
        (Lang::En, FolderTop) => "None (top level)",
        (Lang::Es, FolderSave) => "Guardar la carpeta",
        (Lang::En, FolderSave) => "Save the folder",
        (Lang::Es, FolderRename) => "Cambiar el nombre",
        (Lang::En, FolderRename) => "Rename",
        (Lang::Es, FolderDelete) => "Borrar la carpeta",
        (Lang::En, FolderDelete) => "Delete the folder",
        (Lang::Es, FolderDeleteAsk) => {
            "¿Borrar esta carpeta? Sus mensajes, y los de las carpetas que contiene, irán a la Papelera."
        }
        (Lang::En, FolderDeleteAsk) => {
            "Delete this folder? Its messages, and those of the folders inside it, go to Trash."
        }
        (Lang::Es, ErrFolderEmpty) => "Escribe un nombre para la carpeta.",
        (Lang::En, ErrFolderEmpty) => "Write a name for the folder.",
        (Lang::Es, ErrFolderLong) => "El nombre es demasiado largo: 60 caracteres como mucho.",
        (Lang::En, ErrFolderLong) => "The name is too long: 60 characters at most.",
        (Lang::Es, ErrFolderTaken) => "Ya hay una carpeta con ese nombre ahí.",
        (Lang::En, ErrFolderTaken) => "There is already a folder with that name there.",
        (Lang::Es, ErrFolderDeep) => {
            "Una carpeta solo puede ir dentro de una carpeta de primer nivel."
        }
        (Lang::En, ErrFolderDeep) => "A folder can only go inside a top-level folder.",
        (Lang::Es, DeleteManyQuestion) => "¿Borrar para siempre los mensajes seleccionados?",
        (Lang::En, DeleteManyQuestion) => "Delete the selected messages for good?",
        (Lang::Es, TickMessage) => "Seleccionar",
        (Lang::En, TickMessage) => "Select",
        (Lang::Es, SelectedOne) => "mensaje seleccionado",
        (Lang::En, SelectedOne) => "message selected",
        (Lang::Es, SelectedMany) => "mensajes seleccionados",
        (Lang::En, SelectedMany) => "messages selected",
        (Lang::Es, BulkRead) => "Marcar como leídos",
        (Lang::En, BulkRead) => "Mark read",
        (Lang::Es, BulkUnread) => "Marcar como no leídos",
        (Lang::En, BulkUnread) => "Mark unread",
        (Lang::Es, BulkFlag) => "Marcar con bandera",
        (Lang::En, BulkFlag) => "Flag",
        (Lang::Es, BulkClear) => "Quitar la selección",
        (Lang::En, BulkClear) => "Clear the selection",
        (Lang::Es, KeySelect) => "Seleccionar o no el mensaje (mayús + clic: un tramo)",
        (Lang::En, KeySelect) => "Select the message or not (Shift+click: a range)",
        (Lang::Es, Search) => "Buscar en el correo guardado",
        (Lang::En, Search) => "Search saved mail",
        (Lang::Es, NoSubject) => "(sin asunto)",
        (Lang::En, NoSubject) => "(no subject)",
        (Lang::Es, ErrWrongPassword) => {
            "El servidor no aceptó el usuario o la contraseña. Revísalos y vuelve a intentarlo."
        }
        (Lang::En, ErrWrongPassword) => {
            "The server did not accept the user name or password. Check them and try again."
        }
        (Lang::Es, ErrNotAllowed) => {
            "Este relé no tiene permiso para conectar con ese servidor. Pide a quien lo administra que lo añada."
        }
        (Lang::En, ErrNotAllowed) => {
            "This relay is not allowed to connect to that server. Ask whoever runs it to add it."
        }
        (Lang::Es, ErrRelayUnreachable) => {
            "No se puede contactar con el relé: parece que no hay conexión. Tu correo guardado sigue disponible."
        }
        (Lang::En, ErrRelayUnreachable) => {
            "Cannot reach the relay: you seem to be offline. Your saved mail is still here."
        }
        (Lang::Es, ErrConnectFailed) => {
            "El servidor de correo no responde. Comprueba el servidor y el puerto, o inténtalo más tarde."
        }
        (Lang::En, ErrConnectFailed) => {
            "The mail server does not answer. Check the server and port, or try again later."
        }
        (Lang::Es, ErrResolveFailed) => "No existe un servidor con ese nombre. Revisa el nombre.",
        (Lang::En, ErrResolveFailed) => "No server has that name. Check the spelling.",
        (Lang::Es, ErrTls) => "No se pudo establecer una conexión segura con el servidor",
        (Lang::En, ErrTls) => "Could not set up a secure connection with the server",
        (Lang::Es, CertUnknownIssuer) => {
            "su certificado no lo firmó ninguna autoridad de confianza. Si tu servidor usa un certificado propio, pide a quien administra el relé que lo añada como de confianza. Si no es así, alguien podría estar interceptando la conexión."
        }
        (Lang::En, CertUnknownIssuer) => {
            "its certificate is not signed by any trusted authority. If your server uses its own certificate, ask whoever runs the relay to add it as trusted. If not, someone may be intercepting the connection."
        }
        (Lang::Es, CertExpired) => {
            "su certificado ha caducado. Avisa a quien administra el servidor de correo."
        }
        (Lang::En, CertExpired) => {
            "its certificate has expired. Tell whoever runs the mail server."
        }
        (Lang::Es, CertNotYetValid) => {
            "su certificado aún no es válido. Puede que la hora del relé o la fecha del certificado estén mal. Avisa a quien administra el servidor de correo."
        }
        (Lang::En, CertNotYetValid) => {
            "its certificate is not valid yet. The relay's clock or the certificate's date may be wrong. Tell whoever runs the mail server."
        }
        (Lang::Es, CertWrongName) => {
            "su certificado está emitido para otro nombre. Comprueba el nombre del servidor en la cuenta."
        }
        (Lang::En, CertWrongName) => {
            "its certificate was issued for another name. Check the server name in the account."
        }
        (Lang::Es, CertInvalid) => {
            "su certificado no es válido. Avisa a quien administra el servidor de correo."
        }
        (Lang::En, CertInvalid) => {
            "its certificate is not valid. Tell whoever runs the mail server."
        }
        (Lang::Es, ErrTimeout) => "El servidor tardó demasiado en responder. Inténtalo de nuevo.",
        (Lang::En, ErrTimeout) => "The server took too long to answer. Try again.",
        (Lang::Es, ErrShuttingDown) => {
            "El relé se está reiniciando. Vuelve a sincronizar en un momento; lo ya guardado sigue aquí."
        }
        (Lang::En, ErrShuttingDown) => {
            "The relay is restarting. Sync again in a moment; what was saved is still here."
        }
        (Lang::Es, ErrTooManySessions) => "El relé está muy ocupado. Inténtalo en unos minutos.",
        (Lang::En, ErrTooManySessions) => "The relay is busy. Try again in a few minutes.",
        (Lang::Es, ErrConnectionLost) => {
            "La conexión se cortó. Los mensajes ya guardados siguen aquí; la próxima sincronización continúa donde se quedó."
        }
        (Lang::En, ErrConnectionLost) => {
            "The connection dropped. Messages already saved are kept; the next sync carries on where it stopped."
        }
        (Lang::Es, ErrStorage) => {
            "No se pudo guardar en este dispositivo (¿almacenamiento lleno?). No se ha perdido nada del servidor."
        }
        (Lang::En, ErrStorage) => {
            "Could not save on this device (storage full?). Nothing was lost on the server."
        }
        (Lang::Es, ErrServer) => "El servidor de correo respondió con un error",
        (Lang::En, ErrServer) => "The mail server answered with an error",
        (Lang::Es, ErrInUse) => {
            "Otro programa tiene abierto el buzón (¿otro dispositivo sincronizando?). Inténtalo en unos minutos."
        }
        (Lang::En, ErrInUse) => {
            "Another program has the mailbox open (another device syncing?). Try again in a few minutes."
        }
        (Lang::Es, NoUidlWarning) => {
            "Este servidor no identifica sus mensajes (sin UIDL): Cartero los reconoce por sus cabeceras, así que podría bajar dos veces un mensaje si el servidor las cambia."
        }
        (Lang::En, NoUidlWarning) => {
            "This server does not identify its messages (no UIDL): Cartero tells them apart by their headers, so it could download a message twice if the server changes them."
        }
        (Lang::Es, PolicyTitle) => "Correo en el servidor",
        (Lang::En, PolicyTitle) => "Mail on the server",
        (Lang::Es, PolicyMode) => "Tras descargarlo",
        (Lang::En, PolicyMode) => "After downloading",
        (Lang::Es, PolicyLeave) => "Dejarlo en el servidor",
        (Lang::En, PolicyLeave) => "Leave it on the server",
        (Lang::Es, PolicyDelete) => "Borrarlo del servidor",
        (Lang::En, PolicyDelete) => "Delete it from the server",
        (Lang::Es, PolicyLeaveDays) => "Dejarlo unos días y luego borrarlo",
        (Lang::En, PolicyLeaveDays) => "Leave it for some days, then delete it",
        (Lang::Es, PolicyDays) => "Días",
        (Lang::En, PolicyDays) => "Days",
        (Lang::Es, PolicyDeleteWhenDeletedHere) => "Borrarlo del servidor cuando lo borre aquí",
        (Lang::En, PolicyDeleteWhenDeletedHere) => "Delete it on the server when I delete it here",
        (Lang::Es, PolicyHeadersOnly) => {
            "Solo cabeceras de los mensajes de más de (KB; vacío: todo)"
        }
        (Lang::En, PolicyHeadersOnly) => "Headers only for messages over (KB; empty: everything)",
        (Lang::Es, PolicyHint) => {
            "Nada se borra del servidor hasta que está guardado en este dispositivo. Si el navegador borra sus datos, la copia del servidor es la única: dejarla es lo más seguro."
        }
        (Lang::En, PolicyHint) => {
            "Nothing is deleted from the server until it is saved on this device. If the browser clears its data, the server copy is the only one: leaving it is the safest choice."
        }
        (Lang::Es, PolicyRefusedNoUidl) => {
            "Por eso Cartero no borra nada del servidor ni descarga solo cabeceras en esta cuenta, aunque lo hayas pedido: no podría saber con certeza qué mensaje es cuál."
        }
        (Lang::En, PolicyRefusedNoUidl) => {
            "So Cartero deletes nothing from this server and downloads whole messages, although you asked otherwise: it could not be sure which message is which."
        }
        (Lang::Es, PolicyInvalid) => "Revisa los días y el tamaño: deben ser números enteros.",
        (Lang::En, PolicyInvalid) => "Check the days and the size: they must be whole numbers.",
        (Lang::Es, DeletingOnServer) => "Borrando del servidor el correo ya guardado",
        (Lang::En, DeletingOnServer) => "Deleting saved mail from the server",
        (Lang::Es, DeletedOnServer) => "borrados del servidor.",
        (Lang::Es, DeletedOnServerOne) => "borrado del servidor.",
        (Lang::En, DeletedOnServerOne) => "deleted from the server.",
        (Lang::En, DeletedOnServer) => "deleted from the server.",
        (Lang::Es, SyncBusy) => {
            "Otra pestaña o ventana está sincronizando esta cuenta; su progreso se ve aquí."
        }
        (Lang::En, SyncBusy) => {
            "Another tab or window is syncing this account; its progress shows here."
        }
        (Lang::Es, SyncCancelled) => {
            "Sincronización detenida. Lo ya guardado sigue aquí y no se borró nada del servidor."
        }
        (Lang::En, SyncCancelled) => {
            "Sync stopped. What was saved stays here, and nothing was deleted from the server."
        }
        (Lang::Es, Cancel) => "Detener",
        (Lang::En, Cancel) => "Stop",
        (Lang::Es, ErrListingRefused) => {
            "El servidor no dio la lista de mensajes esta vez; no se descargó ni borró nada. Se intentará de nuevo"
        }
        (Lang::En, ErrListingRefused) => {
            "The server did not list its messages this time; nothing was downloaded or deleted. Cartero will try again"
        }
        (Lang::Es, ErrStorageFull) => {
            "El almacenamiento del navegador está lleno: la sincronización se detuvo sin borrar nada del servidor. Libera espacio y vuelve a sincronizar."
        }
        (Lang::En, ErrStorageFull) => {
            "The browser's storage is full: the sync stopped without deleting anything from the server. Free some space and sync again."
        }
        (Lang::Es, ErrServerBusy) => "El servidor tiene un problema temporal; inténtalo más tarde",
        (Lang::En, ErrServerBusy) => "The server has a temporary problem; try again later",
        (Lang::Es, ErrLoginDelay) => {
            "El servidor pide esperar más entre una conexión y la siguiente. Tu correo guardado sigue aquí"
        }
        (Lang::En, ErrLoginDelay) => {
            "The server asks for a longer wait between connections. Your saved mail is still here"
        }
        (Lang::Es, ErrNoStls) => {
            "El servidor no ofrece STARTTLS. Elige TLS (puerto 995) si lo admite."
        }
        (Lang::En, ErrNoStls) => {
            "The server does not offer STARTTLS. Choose TLS (port 995) if it supports it."
        }
        (Lang::Es, ErrProtocol) => "El servidor envió una respuesta que Cartero no entiende",
        (Lang::En, ErrProtocol) => "The server sent a reply Cartero does not understand",
        (Lang::Es, ErrBadRequest) => "Los datos de la cuenta no son válidos",
        (Lang::En, ErrBadRequest) => "The account settings are not valid",
        (Lang::Es, ErrInternal) => "Error interno del relé. Inténtalo más tarde.",
        (Lang::En, ErrInternal) => "The relay had an internal error. Try again later.",
        (Lang::Es, StorageLoadFailed) => {
            "No se pudo abrir el almacenamiento del navegador (¿modo privado?)."
        }
        (Lang::En, StorageLoadFailed) => "Could not open the browser's storage (private mode?).",
        (Lang::Es, EditAccount) => "Editar la cuenta",
        (Lang::En, EditAccount) => "Edit the account",
        (Lang::Es, AccountName) => "Nombre (opcional)",
        (Lang::En, AccountName) => "Name (optional)",
        (Lang::Es, AccountColour) => "Color",
        (Lang::En, AccountColour) => "Colour",
        (Lang::Es, PasswordKeepHint) => "Déjala vacía para conservar la contraseña actual.",
        (Lang::En, PasswordKeepHint) => "Leave it empty to keep the current password.",
        (Lang::Es, Accounts) => "Cuentas",
        (Lang::En, Accounts) => "Accounts",
        (Lang::Es, AllInboxes) => "Todas las cuentas",
        (Lang::En, AllInboxes) => "All accounts",
        (Lang::Es, RemoveAccount) => "Quitar la cuenta",
        (Lang::En, RemoveAccount) => "Remove the account",
        (Lang::Es, RemoveExplain) => {
            "Cartero dejará de comprobar esta cuenta y olvidará su contraseña. El correo del servidor no se toca."
        }
        (Lang::En, RemoveExplain) => {
            "Cartero stops checking this account and forgets its password. The mail on the server is not touched."
        }
        (Lang::Es, RemoveKeepMail) => "Conservar en este dispositivo el correo ya descargado",
        (Lang::En, RemoveKeepMail) => "Keep the mail already downloaded on this device",
        (Lang::Es, RemoveMailWarning) => {
            "El correo descargado de esta cuenta se borrará de este dispositivo. Si el servidor ya no lo guarda, no habrá otra copia."
        }
        (Lang::En, RemoveMailWarning) => {
            "This account's downloaded mail will be deleted from this device. If the server no longer keeps it, there is no other copy."
        }
        (Lang::Es, KeptMail) => "Correo conservado",
        (Lang::En, KeptMail) => "Kept mail",
        (Lang::Es, KeptExplain) => {
            "Esta cuenta se quitó; su correo sigue aquí, pero ya no se comprueba."
        }
        (Lang::En, KeptExplain) => {
            "This account was removed; its mail is still here, but it is no longer checked."
        }
        (Lang::Es, DeleteKeptMail) => "Borrar el correo conservado",
        (Lang::En, DeleteKeptMail) => "Delete the kept mail",
        (Lang::Es, MailboxChangeHint) => {
            "Con otro servidor o usuario es otro buzón: el correo ya descargado quedará en «Correo conservado» y el nuevo buzón se descargará entero."
        }
        (Lang::En, MailboxChangeHint) => {
            "Another server or user is another mailbox: the mail downloaded so far stays under “Kept mail”, and the new mailbox is downloaded in full."
        }
        (Lang::Es, PassphraseWrong) => "Esa no es la frase de paso principal.",
        (Lang::En, PassphraseWrong) => "That is not the primary passphrase.",
        (Lang::Es, PassphraseUnavailable) => {
            "Este navegador no puede cifrar aquí (hace falta HTTPS)."
        }
        (Lang::En, PassphraseUnavailable) => "This browser cannot encrypt here (HTTPS is needed).",
        (Lang::Es, PassphraseLocked) => "Primero desbloquea con tu frase de paso principal.",
        (Lang::En, PassphraseLocked) => "Unlock with your primary passphrase first.",
        (Lang::Es, PassphraseTooShort) => "La frase de paso necesita al menos 8 caracteres.",
        (Lang::En, PassphraseTooShort) => "The passphrase needs at least 8 characters.",
        (Lang::Es, PassphraseMismatch) => "Las dos frases de paso no coinciden.",
        (Lang::En, PassphraseMismatch) => "The two passphrases do not match.",
        (Lang::Es, UnlockTitle) => "Desbloquear las contraseñas recordadas",
        (Lang::En, UnlockTitle) => "Unlock the remembered passwords",
        (Lang::Es, UnlockExplain) => {
            "Tus contraseñas recordadas están cifradas con tu frase de paso principal. Escríbela una vez; las pestañas abiertas de Cartero la compartirán hasta que cierres el navegador."
        }
        (Lang::En, UnlockExplain) => {
            "Your remembered passwords are encrypted with your primary passphrase. Type it once; open Cartero tabs share it until you close the browser."
        }
        (Lang::Es, Unlock) => "Desbloquear",
        (Lang::En, Unlock) => "Unlock",
        (Lang::Es, NotNow) => "Ahora no",
        (Lang::En, NotNow) => "Not now",
        (Lang::Es, Settings) => "Ajustes",
        (Lang::En, Settings) => "Settings",
        (Lang::Es, PassphraseTitle) => "Frase de paso principal",
        (Lang::En, PassphraseTitle) => "Primary passphrase",
        (Lang::Es, PassphraseOff) => {
            "Sin frase de paso: las contraseñas que pides recordar se guardan sin cifrar en este navegador."
        }
        (Lang::En, PassphraseOff) => {
            "No passphrase: the passwords you ask to remember are stored unencrypted in this browser."
        }
        (Lang::Es, PassphraseOn) => {
            "Las contraseñas recordadas están cifradas con tu frase de paso principal."
        }
        (Lang::En, PassphraseOn) => {
            "Remembered passwords are encrypted with your primary passphrase."
        }
        (Lang::Es, PassphraseExplain) => {
            "Protege las contraseñas guardadas si alguien copia los archivos de este navegador (un portátil robado, una copia de seguridad). No protege el correo descargado, que se guarda sin cifrar, ni contra un programa malicioso mientras Cartero está desbloqueado. Si la olvidas, solo tendrás que escribir de nuevo las contraseñas de tus cuentas."
        }
        (Lang::En, PassphraseExplain) => {
            "It protects the saved passwords if someone copies this browser's files (a stolen laptop, a backup). It does not protect the downloaded mail, which is stored unencrypted, nor against malicious software while Cartero is unlocked. If you forget it, you only need to type your accounts' passwords again."
        }
        (Lang::Es, PassphraseNew) => "Nueva frase de paso",
        (Lang::En, PassphraseNew) => "New passphrase",
        (Lang::Es, PassphraseAgain) => "Repítela",
        (Lang::En, PassphraseAgain) => "Type it again",
        (Lang::Es, PassphraseSet) => "Guardar la frase de paso",
        (Lang::En, PassphraseSet) => "Save the passphrase",
        (Lang::Es, PassphraseRemove) => "Quitar la frase de paso",
        (Lang::En, PassphraseRemove) => "Remove the passphrase",
        (Lang::Es, PassphraseSaved) => "Hecho.",
        (Lang::En, PassphraseSaved) => "Done.",
        (Lang::Es, Close) => "Cerrar",
        (Lang::En, Close) => "Close",
        (Lang::Es, PassphraseForget) => "La olvidé: borrar las contraseñas recordadas",
        (Lang::En, PassphraseForget) => "I forgot it: delete the remembered passwords",
        (Lang::Es, NewMail) => "mensajes nuevos",
        (Lang::Es, NewMailOne) => "mensaje nuevo",
        (Lang::En, NewMailOne) => "new message",
        (Lang::En, NewMail) => "new messages",
        (Lang::Es, DeleteMessage) => "Borrar",
        (Lang::En, DeleteMessage) => "Delete",
        (Lang::Es, DeleteQuestion) => "¿Borrar este mensaje?",
        (Lang::En, DeleteQuestion) => "Delete this message?",
        (Lang::Es, DeleteExplainServer) => {
            "Se borra de este dispositivo para siempre, y del servidor en la próxima sincronización."
        }
        (Lang::En, DeleteExplainServer) => {
            "It is deleted from this device for good, and from the server at the next sync."
        }
        (Lang::Es, DeleteExplainKeep) => {
            "Se borra de este dispositivo para siempre. El servidor conserva su copia, y Cartero no la volverá a descargar."
        }
        (Lang::En, DeleteExplainKeep) => {
            "It is deleted from this device for good. The server keeps its copy, and Cartero will not download it again."
        }
        (Lang::Es, DeleteAfterSync) => "Se borrará cuando termine la sincronización en curso.",
        (Lang::En, DeleteAfterSync) => "It is deleted once the running sync ends.",
        (Lang::Es, Deleting) => "Borrando…",
        (Lang::En, Deleting) => "Deleting…",
        (Lang::Es, ErrDelete) => "No se pudo borrar el mensaje: sigue guardado aquí.",
        (Lang::En, ErrDelete) => "The message could not be deleted: it is still stored here.",
        (Lang::Es, ErrMove) => "No se pudo mover el mensaje: sigue donde estaba.",
        (Lang::En, ErrMove) => "The message could not be moved: it is still where it was.",
        (Lang::Es, MarkUnread) => "Marcar como no leído",
        (Lang::En, MarkUnread) => "Mark as unread",
        (Lang::Es, Unread) => "sin leer",
        (Lang::En, Unread) => "unread",
        (Lang::Es, NotifyTitle) => "Avisos",
        (Lang::En, NotifyTitle) => "Notifications",
        (Lang::Es, NotifyNewMail) => "Avisarme del correo nuevo cuando Cartero no está a la vista",
        (Lang::En, NotifyNewMail) => "Tell me about new mail when Cartero is not in view",
        (Lang::Es, NotifyRefused) => {
            "El navegador no permite avisos para Cartero. Puedes permitirlos en los ajustes del sitio."
        }
        (Lang::En, NotifyRefused) => {
            "The browser does not allow notifications for Cartero. You can allow them in the site's settings."
        }
        (Lang::Es, Dismiss) => "Cancelar",
        (Lang::En, Dismiss) => "Cancel",
        (Lang::Es, RemoteBlockedOne) => {
            "imagen o estilo remoto bloqueado: el remitente no sabrá si lo abriste ni desde dónde."
        }
        (Lang::En, RemoteBlockedOne) => {
            "remote image or style blocked: the sender cannot tell whether or where you opened it."
        }
        (Lang::Es, RemoteBlocked) => {
            "imágenes y estilos remotos bloqueados: el remitente no sabrá si lo abriste ni desde dónde."
        }
        (Lang::En, RemoteBlocked) => {
            "remote images and styles blocked: the sender cannot tell whether or where you opened it."
        }
        (Lang::Es, ForwardedMessage) => "Mensaje reenviado",
        (Lang::En, ForwardedMessage) => "Forwarded message",
        (Lang::Es, OpenAttachment) => "Abrir",
        (Lang::En, OpenAttachment) => "Open",
        (Lang::Es, ShowSource) => "Ver el original",
        (Lang::En, ShowSource) => "Show source",
        (Lang::Es, HideSource) => "Ocultar el original",
        (Lang::En, HideSource) => "Hide source",
        (Lang::Es, SaveEml) => "Guardar .eml",
        (Lang::En, SaveEml) => "Save as .eml",
        (Lang::Es, ShowRemoteAlways) => "Siempre de este remitente",
        (Lang::En, ShowRemoteAlways) => "Always from this sender",
        (Lang::Es, ShowRemote) => "Mostrar imágenes remotas",
        (Lang::En, ShowRemote) => "Show remote images",
        (Lang::Es, ShowPlainText) => "Ver como texto",
        (Lang::En, ShowPlainText) => "Show as plain text",
        (Lang::Es, ShowFormatted) => "Ver con formato",
        (Lang::En, ShowFormatted) => "Show formatted",
        (Lang::Es, KeysTitle) => "Atajos de teclado",
        (Lang::En, KeysTitle) => "Keyboard shortcuts",
        (Lang::Es, KeyNext) => "Mensaje siguiente",
        (Lang::En, KeyNext) => "Next message",
        (Lang::Es, KeyPrevious) => "Mensaje anterior",
        (Lang::En, KeyPrevious) => "Previous message",
        (Lang::Es, KeyUnread) => "Marcar como leído o no leído",
        (Lang::En, KeyUnread) => "Mark as read or unread",
        (Lang::Es, KeyDelete) => "Borrar el mensaje",
        (Lang::En, KeyDelete) => "Delete the message",
        (Lang::Es, KeySearch) => "Buscar",
        (Lang::En, KeySearch) => "Search",
        (Lang::Es, KeyBack) => "Volver a la lista",
        (Lang::En, KeyBack) => "Back to the list",
        (Lang::Es, KeyHelp) => "Mostrar u ocultar esta ayuda",
        (Lang::En, KeyHelp) => "Show or hide this help",
        (Lang::Es, MessagesLabel) => "Mensajes",
        (Lang::En, MessagesLabel) => "Messages",
        (Lang::Es, PlainAlways) => "Siempre como texto de este remitente",
        (Lang::En, PlainAlways) => "Always plain text from this sender",
        (Lang::Es, RemoteAlwaysOn) => "Las imágenes de este remitente se muestran siempre.",
        (Lang::En, RemoteAlwaysOn) => "Images from this sender are always shown.",
        (Lang::Es, RemoteStop) => "Dejar de mostrarlas",
        (Lang::En, RemoteStop) => "Stop showing them",
        (Lang::Es, AttachmentUnreadable) => "No se pudo leer este adjunto.",
        (Lang::En, AttachmentUnreadable) => "This attachment could not be read.",
        (Lang::Es, NoteCutShort) => {
            "Este mensaje parece incompleto: se corta antes de su final, y puede faltar una parte o un adjunto."
        }
        (Lang::En, NoteCutShort) => {
            "This message seems incomplete: it stops before its end, and a part or an attachment may be missing."
        }
        (Lang::Es, NoteUndecodable) => {
            "Una parte de este mensaje no se pudo descodificar; se muestra tal como llegó."
        }
        (Lang::En, NoteUndecodable) => {
            "A part of this message could not be decoded; it is shown as it came."
        }
        (Lang::Es, LinkGoesTo) => "este enlace lleva a",
        (Lang::En, LinkGoesTo) => "this link goes to",
        (Lang::Es, MessageContent) => "Contenido del mensaje",
        (Lang::En, MessageContent) => "Message content",
        (Lang::Es, KeyFlag) => "Marcar o desmarcar con bandera",
        (Lang::En, KeyFlag) => "Flag or unflag",
        (Lang::Es, KeyArchive) => "Archivar",
        (Lang::En, KeyArchive) => "Archive",
        (Lang::Es, KeyMove) => "Mover a una carpeta",
        (Lang::En, KeyMove) => "Move to a folder",
        (Lang::Es, KeyDeleteForGood) => "Borrar para siempre (pregunta antes)",
        (Lang::En, KeyDeleteForGood) => "Delete for good (asks first)",
        (Lang::Es, Folders) => "Carpetas",
        (Lang::En, Folders) => "Folders",
        (Lang::Es, FolderInbox) => "Bandeja de entrada",
        (Lang::En, FolderInbox) => "Inbox",
        (Lang::Es, FolderArchive) => "Archivo",
        (Lang::En, FolderArchive) => "Archive",
        (Lang::Es, FolderSent) => "Enviados",
        (Lang::En, FolderSent) => "Sent",
        (Lang::Es, FolderDrafts) => "Borradores",
        (Lang::En, FolderDrafts) => "Drafts",
        (Lang::Es, FolderTrash) => "Papelera",
        (Lang::En, FolderTrash) => "Trash",
        (Lang::Es, MoveTo) => "Mover a…",
        (Lang::En, MoveTo) => "Move to…",
        (Lang::Es, Flag) => "Marcar con bandera",
        (Lang::En, Flag) => "Flag",
        (Lang::Es, Unflag) => "Quitar la bandera",
        (Lang::En, Unflag) => "Unflag",
        (Lang::Es, Flagged) => "Con bandera",
        (Lang::En, Flagged) => "Flagged",
        (Lang::Es, Archive) => "Archivar",
        (Lang::En, Archive) => "Archive",
        (Lang::Es, EmptyTrash) => "Vaciar la papelera",
        (Lang::En, EmptyTrash) => "Empty Trash",
        (Lang::Es, EmptyTrashQuestion) => "¿Borrar para siempre los mensajes de la papelera?",
        (Lang::En, EmptyTrashQuestion) => "Delete the messages in Trash for good?",
        (Lang::Es, EmptyTrashExplain) => {
            "No se podrán recuperar en este dispositivo. En el servidor se hace lo que diga la política de cada cuenta."
        }
        (Lang::En, EmptyTrashExplain) => {
            "They cannot be brought back on this device. On the server, each account's policy decides."
        }
        (Lang::Es, Rules) => "Reglas",
        (Lang::En, Rules) => "Rules",
        (Lang::Es, RulesExplain) => {
            "Las reglas actúan sobre el correo nuevo al descargarlo, en este orden; un mensaje archivado por una regla nunca aparece antes en la bandeja de entrada."
        }
        (Lang::En, RulesExplain) => {
            "Rules act on new mail as it is downloaded, in this order; a message a rule files never shows in the Inbox first."
        }
        (Lang::Es, RuleAdd) => "Añadir una regla",
        (Lang::En, RuleAdd) => "Add a rule",
        (Lang::Es, RuleEdit) => "Editar",
        (Lang::En, RuleEdit) => "Edit",
        (Lang::Es, RuleRemove) => "Quitar",
        (Lang::En, RuleRemove) => "Remove",
        (Lang::Es, RuleOn) => "Activa",
        (Lang::En, RuleOn) => "On",
        (Lang::Es, RuleName) => "Nombre de la regla",
        (Lang::En, RuleName) => "Rule name",
        (Lang::Es, RuleMatchAll) => "Si se cumplen todas las condiciones",
        (Lang::En, RuleMatchAll) => "If all conditions hold",
        (Lang::Es, RuleMatchAny) => "Si se cumple alguna condición",
        (Lang::En, RuleMatchAny) => "If any condition holds",
        (Lang::Es, RuleFieldFrom) => "Remitente",
        (Lang::En, RuleFieldFrom) => "From",
        (Lang::Es, RuleFieldToCc) => "Para o Cc",
        (Lang::En, RuleFieldToCc) => "To or Cc",
        (Lang::Es, RuleFieldSubject) => "Asunto",
        (Lang::En, RuleFieldSubject) => "Subject",
        (Lang::Es, RuleFieldHeader) => "Cabecera",
        (Lang::En, RuleFieldHeader) => "Header",
        (Lang::Es, RuleFieldSize) => "Tamaño (KB)",
        (Lang::En, RuleFieldSize) => "Size (KB)",
        (Lang::Es, RuleFieldAccount) => "Cuenta",
        (Lang::En, RuleFieldAccount) => "Account",
        (Lang::Es, RuleTestContains) => "contiene",
        (Lang::En, RuleTestContains) => "contains",
        (Lang::Es, RuleTestLacks) => "no contiene",
        (Lang::En, RuleTestLacks) => "does not contain",
        (Lang::Es, RuleTestIs) => "es",
        (Lang::En, RuleTestIs) => "is",
        (Lang::Es, RuleTestOver) => "es mayor que",
        (Lang::En, RuleTestOver) => "is over",
        (Lang::Es, RuleTestUnder) => "es menor que",
        (Lang::En, RuleTestUnder) => "is under",
        (Lang::Es, RuleValue) => "Valor",
        (Lang::En, RuleValue) => "Value",
        (Lang::Es, RuleHeaderName) => "Nombre de la cabecera (p. ej. List-Id)",
        (Lang::En, RuleHeaderName) => "Header name (e.g. List-Id)",
        (Lang::Es, RuleConditionAdd) => "Añadir una condición",
        (Lang::En, RuleConditionAdd) => "Add a condition",
        (Lang::Es, RuleConditionRemove) => "Quitar esta condición",
        (Lang::En, RuleConditionRemove) => "Remove this condition",
        (Lang::Es, RuleThen) => "Entonces",
        (Lang::En, RuleThen) => "Then",
        (Lang::Es, RuleMoveNone) => "No mover",
        (Lang::En, RuleMoveNone) => "Do not move",
        (Lang::Es, RuleMoveTo) => "Mover a",
        (Lang::En, RuleMoveTo) => "Move to",
        (Lang::Es, RuleMarkRead) => "Marcar como leído",
        (Lang::En, RuleMarkRead) => "Mark as read",
        (Lang::Es, RuleFlag) => "Marcar con bandera",
        (Lang::En, RuleFlag) => "Flag",
        (Lang::Es, RuleToTrash) => "Borrar (a la papelera)",
        (Lang::En, RuleToTrash) => "Delete (to Trash)",
        (Lang::Es, RuleSave) => "Guardar la regla",
        (Lang::En, RuleSave) => "Save the rule",
        (Lang::Es, RuleRun) => "Aplicar las reglas a la bandeja de entrada ahora",
        (Lang::En, RuleRun) => "Run the rules on the Inbox now",
        (Lang::Es, RuleNeedsAction) => "Elige qué hace la regla: mover, marcar o borrar.",
        (Lang::En, RuleNeedsAction) => "Choose what the rule does: move, mark or delete.",
        (Lang::Es, RuleSizeNumber) => "El tamaño tiene que ser un número de KB, por ejemplo 500.",
        (Lang::En, RuleSizeNumber) => "The size must be a number of KB, for example 500.",
        (Lang::Es, RuleNeedsHeader) => "Escribe el nombre de la cabecera.",
        (Lang::En, RuleNeedsHeader) => "Type the header's name.",
        (Lang::Es, RulesSaved) => "Reglas guardadas.",
        (Lang::En, RulesSaved) => "Rules saved.",
        (Lang::Es, RulesRanOne) => "mensaje archivado o marcado por las reglas.",
        (Lang::En, RulesRanOne) => "message filed or marked by the rules.",
        (Lang::Es, RulesRanMany) => "mensajes archivados o marcados por las reglas.",
        (Lang::En, RulesRanMany) => "messages filed or marked by the rules.",
        (Lang::Es, ErrRules) => "No se pudieron guardar o aplicar las reglas: no ha cambiado nada.",
        (Lang::En, ErrRules) => "The rules could not be saved or run: nothing changed.",
        (Lang::Es, NoRules) => "Todavía no hay reglas.",
        (Lang::En, NoRules) => "No rules yet.",
        (Lang::Es, RuleOne) => "Regla",
        (Lang::En, RuleOne) => "Rule",
        (Lang::Es, SortLabel) => "Ordenar",
        (Lang::En, SortLabel) => "Sort",
        (Lang::Es, SortNewest) => "Más recientes",
        (Lang::En, SortNewest) => "Newest first",
        (Lang::Es, SortOldest) => "Más antiguos",
        (Lang::En, SortOldest) => "Oldest first",
        (Lang::Es, SortSenderAz) => "Remitente A–Z",
        (Lang::En, SortSenderAz) => "Sender A–Z",
        (Lang::Es, SortSenderZa) => "Remitente Z–A",
        (Lang::En, SortSenderZa) => "Sender Z–A",
        (Lang::Es, SortLargest) => "Más grandes",
        (Lang::En, SortLargest) => "Largest first",
        (Lang::Es, SortSmallest) => "Más pequeños",
        (Lang::En, SortSmallest) => "Smallest first",
        (Lang::Es, SortSearch) => {
            "Los resultados de una búsqueda van de más reciente a más antiguo"
        }
        (Lang::En, SortSearch) => "Search results are newest first",
        (Lang::Es, SelectAll) => "Seleccionar todos",
        (Lang::En, SelectAll) => "Select all",
        (Lang::Es, KeySelectAll) => "Seleccionar todos los mensajes de la lista",
        (Lang::En, KeySelectAll) => "Select every message of the list",
        (Lang::Es, ErrFolderHasInside) => {
            "Esta carpeta tiene carpetas dentro: se queda en el nivel superior."
        }
        (Lang::En, ErrFolderHasInside) => {
            "This folder has folders inside it: it stays at the top level."
        }
        (Lang::Es, SortConversations) => "Conversaciones",
        (Lang::En, SortConversations) => "Conversations",
        (Lang::Es, InThread) => "En esta conversación",
        (Lang::En, InThread) => "In this conversation",
        (Lang::Es, ThreadOne) => "mensaje",
        (Lang::En, ThreadOne) => "message",
        (Lang::Es, ThreadMany) => "mensajes",
        (Lang::En, ThreadMany) => "messages",
        (Lang::Es, SettingsFileTitle) => "Archivo de ajustes",
        (Lang::En, SettingsFileTitle) => "Settings file",
        (Lang::Es, SettingsFileExplain) => {
            "Tus cuentas (sin contraseñas), carpetas, reglas y remitentes elegidos en un solo archivo, para llevarlos a otro navegador o dispositivo. Importar uno añade lo que falta aquí y no cambia nada de lo que ya tienes."
        }
        (Lang::En, SettingsFileExplain) => {
            "Your accounts (without passwords), folders, rules and chosen senders in one file, to take them to another browser or device. Importing one adds what is missing here and changes nothing you already have."
        }
        (Lang::Es, SettingsExport) => "Exportar los ajustes",
        (Lang::En, SettingsExport) => "Export settings",
        (Lang::Es, SettingsImport) => "Importar un archivo de ajustes…",
        (Lang::En, SettingsImport) => "Import a settings file…",
        (Lang::Es, SettingsImporting) => "Importando los ajustes…",
        (Lang::En, SettingsImporting) => "Importing the settings…",
        (Lang::Es, ImportFirstRun) => {
            "¿Vienes de otro navegador? Importa tu archivo de ajustes de Cartero."
        }
        (Lang::En, ImportFirstRun) => {
            "Coming from another browser? Import your Cartero settings file."
        }
        (Lang::Es, ImportAdded) => "Añadido a este dispositivo:",
        (Lang::En, ImportAdded) => "Added to this device:",
        (Lang::Es, ImportNothingNew) => {
            "Nada nuevo: este dispositivo ya tiene todo lo que hay en el archivo."
        }
        (Lang::En, ImportNothingNew) => {
            "Nothing new: this device already has everything in the file."
        }
        (Lang::Es, ImportAskPasswords) => {
            "Cada cuenta pedirá su contraseña al sincronizar por primera vez."
        }
        (Lang::En, ImportAskPasswords) => "Each account asks for its password at its first sync.",
        (Lang::Es, ImportAccountOne) => "cuenta",
        (Lang::En, ImportAccountOne) => "account",
        (Lang::Es, ImportAccountMany) => "cuentas",
        (Lang::En, ImportAccountMany) => "accounts",
        (Lang::Es, ImportFolderOne) => "carpeta",
        (Lang::En, ImportFolderOne) => "folder",
        (Lang::Es, ImportFolderMany) => "carpetas",
        (Lang::En, ImportFolderMany) => "folders",
        (Lang::Es, ImportRuleOne) => "regla",
        (Lang::En, ImportRuleOne) => "rule",
        (Lang::Es, ImportRuleMany) => "reglas",
        (Lang::En, ImportRuleMany) => "rules",
        (Lang::Es, ImportSenderOne) => "remitente",
        (Lang::En, ImportSenderOne) => "sender",
        (Lang::Es, ImportSenderMany) => "remitentes",
        (Lang::En, ImportSenderMany) => "senders",
        (Lang::Es, ErrImportRead) => "No se pudo leer el archivo: no se ha importado nada.",
        (Lang::En, ErrImportRead) => "The file could not be read: nothing was imported.",
        (Lang::Es, ErrImportNotSettings) => {
            "Este archivo no es un archivo de ajustes de Cartero: no se ha importado nada."
        }
        (Lang::En, ErrImportNotSettings) => {
            "This is not a Cartero settings file: nothing was imported."
        }
        (Lang::Es, ErrImportNewer) => {
            "Este archivo viene de una versión más nueva de Cartero: actualiza esta antes. No se ha importado nada."
        }
        (Lang::En, ErrImportNewer) => {
            "This file comes from a newer Cartero: update this one first. Nothing was imported."
        }
        (Lang::Es, ErrImportAccount) => {
            "No se ha importado nada: en el archivo hay una cuenta sin servidor o sin usuario, o con caracteres que ningún servidor acepta:"
        }
        (Lang::En, ErrImportAccount) => {
            "Nothing was imported: the file has an account with no server or user name, or with characters no server accepts:"
        }
        (Lang::Es, ErrImportFolder) => {
            "No se ha importado nada: en el archivo hay una carpeta con un nombre o un lugar que no puede tener:"
        }
        (Lang::En, ErrImportFolder) => {
            "Nothing was imported: the file has a folder with a name or a place it cannot have:"
        }
        (Lang::Es, ErrImportStore) => {
            "No se pudieron guardar los ajustes: no se ha importado nada."
        }
        (Lang::En, ErrImportStore) => "The settings could not be stored: nothing was imported.",
        (Lang::Es, ErrImportFull) => {
            "El almacenamiento del navegador está lleno: no se ha importado nada."
        }
        (Lang::En, ErrImportFull) => "The browser's storage is full: nothing was imported.",
        (Lang::Es, ErrExport) => "No se pudo hacer el archivo de ajustes: vuelve a intentarlo.",
        (Lang::En, ErrExport) => "The settings file could not be made: try again.",
    }
}
