//! The open message: headers, text body, attachments.

use leptos::prelude::*;

use crate::blob;
use crate::components::attachment::AttachmentLink;
use crate::components::folder_list::folder_choices;
use crate::components::forwarded::ForwardedMessage;
use crate::components::html_body::HtmlBody;
use crate::components::thread_strip::ThreadStrip;
use crate::format;
use crate::i18n::T;
use crate::model::SenderList;
use crate::model::folder::ARCHIVE;
use crate::state::AppStore;
use crate::sync;
use crate::sync::filing;
use crate::sync::reading::{self, OpenMessage};

/// The reading pane.
#[component]
pub fn MessageView() -> impl IntoView {
    let store = expect_context::<AppStore>();
    // Read again when a headers-only message's body has arrived.
    let partial = Memo::new(move |_| store.selected_is_partial());
    // One key for what to read: the message and whether only its headers are here. Read
    // apart, a new selection changed both one after the other, and the worker was asked
    // for the message twice (the view drew itself twice on every open).
    let opened = Memo::new(move |_| (store.selected.get(), partial.get()));
    let rendered = LocalResource::new(move || {
        let (id, _) = opened.get();
        async move {
            match id {
                Some(id) => reading::open(&id).await,
                None => None,
            }
        }
    });
    // Opening a message marks it read.
    Effect::new(move |_| {
        if let Some(id) = store.selected.get()
            && store.is_unread(&id)
        {
            sync::mark(store, vec![id], false);
        }
    });
    // Opening a headers-only message asks for its body.
    Effect::new(move |_| {
        if partial.get() == Some(true)
            && let Some(id) = store.selected.get()
            && let Some((account, uidl)) = id.split_once('/')
        {
            sync::fetch_body(store, account, uidl);
        }
    });
    view! {
        <section class="view-pane" class:open=move || store.selected.with(Option::is_some)>
            {move || match (store.selected.with(Option::is_some), rendered.get()) {
                (false, _) => view! { <p class="placeholder">{store.t(T::SelectMessage)}</p> }.into_any(),
                (true, Some(Some(message))) => {
                    let id = opened.get_untracked().0.unwrap_or_default();
                    view! { <OpenMessage id message partial /> }.into_any()
                }
                (true, Some(None)) => view! {
                    <p class="warning" data-testid="message-error" role="alert">{move || store.t(T::CannotOpen)}</p>
                }.into_any(),
                (true, None) => view! { <p class="placeholder">"…"</p> }.into_any(),
            }}
        </section>
    }
}

/// Message `id`, read.
#[component]
fn OpenMessage(id: String, message: OpenMessage, partial: Memo<Option<bool>>) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let OpenMessage {
        rendered: message,
        source,
        previews,
    } = message;
    let summary = message.summary.clone();
    let subject = if summary.subject.is_empty() {
        store.t(T::NoSubject).to_owned()
    } else {
        summary.subject.clone()
    };
    let from = if summary.from_address.is_empty() || summary.from == summary.from_address {
        summary.from.clone()
    } else {
        format!("{} <{}>", summary.from, summary.from_address)
    };
    let date_ms = summary.date_ms;
    let attachments: Vec<_> = message
        .attachments
        .iter()
        .cloned()
        .zip(previews.into_iter().chain(std::iter::repeat(None)))
        .enumerate()
        .collect();
    let html = message.html.clone();
    let has_html = html.is_some();
    let text = message.text.clone();
    let inline = message.inline.clone();
    let sender = summary.from_address.clone();
    let address = sender.to_ascii_lowercase();
    let no_sender = sender.is_empty();
    // Plain text when the reader chose it for this sender; one click away for any other.
    let plain_always = RwSignal::new(store.sender_on(SenderList::PlainText, &address));
    let plain = RwSignal::new(plain_always.get_untracked());
    let choose_plain = move |_| {
        let chosen = !plain_always.get_untracked();
        plain_always.set(chosen);
        plain.set(chosen);
        store.choose_for_sender(SenderList::PlainText, &address, chosen);
    };
    let (cut_short, undecodable) = (message.cut_short, message.undecodable);
    // The raw message: saved as .eml, or shown as its source (headers and all).
    let eml_name = format!("{}.eml", file_name(&subject));
    let eml_url = source
        .as_ref()
        .and_then(blob::object_url)
        .unwrap_or_default();
    let revoke_url = eml_url.clone();
    on_cleanup(move || blob::revoke(&revoke_url));
    let raw = RwSignal::new(None::<String>);
    let toggle_source = move |_| match (raw.get_untracked().is_some(), source.clone()) {
        (true, _) | (false, None) => raw.set(None),
        (false, Some(source)) => wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(source.text()).await;
            raw.set(Some(
                text.ok().and_then(|t| t.as_string()).unwrap_or_default(),
            ));
        }),
    };
    let body = move || {
        match (plain.get(), html.clone()) {
        (false, Some(html)) => view! {
            <div data-testid="message-body" class="html-body"><HtmlBody html inline=inline.clone() sender=sender.clone() /></div>
        }.into_any(),
        _ => view! { <pre data-testid="message-body" class="body">{text.clone()}</pre> }.into_any(),
    }
    };
    view! {
        <article data-testid="message-view" class="message">
            <button class="back" on:click=move |_| store.selected.set(None)>
                "← " {move || store.t(T::Back)}
            </button>
            <div class="message-actions">
                <button
                    class="secondary"
                    data-testid="message-unread"
                    on:click=move |_| {
                        if let Some(id) = store.selected.get_untracked() {
                            sync::mark(store, vec![id], true);
                        }
                    }
                >
                    {move || store.t(T::MarkUnread)}
                </button>
                <button
                    class="secondary"
                    data-testid="message-plain-toggle"
                    hidden=!has_html
                    aria-pressed=move || plain.get().to_string()
                    on:click=move |_| plain.update(|p| *p = !*p)
                >
                    {move || store.t(if plain.get() { T::ShowFormatted } else { T::ShowPlainText })}
                </button>
                <button
                    class="secondary"
                    data-testid="plain-always"
                    hidden=!has_html || no_sender
                    aria-pressed=move || plain_always.get().to_string()
                    on:click=choose_plain
                >
                    {move || store.t(T::PlainAlways)}
                </button>
                <button
                    class="secondary"
                    data-testid="message-source"
                    aria-pressed=move || raw.with(Option::is_some).to_string()
                    on:click=toggle_source
                >
                    {move || store.t(if raw.with(Option::is_some) { T::HideSource } else { T::ShowSource })}
                </button>
                <a class="button secondary" data-testid="message-save-eml" href=eml_url download=eml_name>
                    {move || store.t(T::SaveEml)}
                </a>
                <FilingActions />
                <button
                    class="danger"
                    data-testid="message-delete"
                    on:click=move |event: web_sys::MouseEvent| {
                        if let Some(id) = store.selected.get_untracked() {
                            filing::delete(store, id, event.shift_key());
                        }
                    }
                >
                    {move || store.t(T::DeleteMessage)}
                </button>
            </div>
            <h2>{subject}</h2>
            <dl class="headers">
                <dt>{move || store.t(T::From)}</dt><dd>{from}</dd>
                <dt>{move || store.t(T::To)}</dt><dd>{message.to.clone()}</dd>
                <dt>{move || store.t(T::Date)}</dt>
                <dd>{move || format::date(date_ms, store.lang.get())}</dd>
            </dl>
            <ThreadStrip id=id.clone() />
            {move || {
                // Pictures the HTML shows in place are listed only with the plain text.
                let listed: Vec<_> = attachments
                    .iter()
                    .filter(|(_, (a, _))| !a.inline || plain.get())
                    .cloned()
                    .collect();
                let id = id.clone();
                (!listed.is_empty()).then(|| view! {
                    <h3>{move || store.t(T::Attachments)}</h3>
                    <ul class="attachments">
                        {listed.into_iter().map(|(index, (attachment, preview))| {
                            view! { <AttachmentLink attachment message=id.clone() index preview /> }
                        }).collect_view()}
                    </ul>
                })
            }}
            <Show when=move || partial.get() == Some(true)>
                <p class="warning" data-testid="message-partial" role="status">
                    {move || store.t(T::PartialMessage)}
                </p>
            </Show>
            {move || {
                let note = match (cut_short && partial.get() != Some(true), undecodable) {
                    (true, _) => Some(("cut-short", T::NoteCutShort)),
                    (false, true) => Some(("undecodable", T::NoteUndecodable)),
                    (false, false) => None,
                };
                note.map(|(kind, words)| view! {
                    <p class="warning" data-testid="message-note" data-note=kind role="status">
                        {move || store.t(words)}
                    </p>
                })
            }}
            {move || raw.get().map(|raw| view! { <pre data-testid="message-source-text" class="body source">{raw}</pre> })}
            {body}
            {message.forwarded.clone().into_iter().map(|message| view! { <ForwardedMessage message /> }).collect_view()}
        </article>
    }
}

/// Flag, archive and move the open message.
#[component]
fn FilingActions() -> impl IntoView {
    let store = expect_context::<AppStore>();
    let flagged = move || {
        store
            .open_meta
            .with(|m| m.as_ref().is_some_and(|m| m.flagged))
    };
    let folder = move || {
        store
            .open_meta
            .with(|m| m.as_ref().map(|m| m.folder.clone()))
    };
    let with_open = move |act: &dyn Fn(String)| {
        if let Some(id) = store.selected.get_untracked() {
            act(id);
        }
    };
    let choose = move |event: web_sys::Event| {
        let to = event_target_value(&event);
        if !to.is_empty() {
            with_open(&|id| filing::move_to(store, vec![id], &to));
        }
    };
    view! {
        <button
            class="secondary"
            data-testid="message-flag"
            aria-pressed=move || flagged().to_string()
            on:click=move |_| with_open(&|id| filing::flag(store, vec![id], !flagged()))
        >
            {move || store.t(if flagged() { T::Unflag } else { T::Flag })}
        </button>
        <button
            class="secondary"
            data-testid="message-archive"
            hidden=move || folder().as_deref() == Some(ARCHIVE)
            on:click=move |_| with_open(&|id| filing::move_to(store, vec![id], ARCHIVE))
        >
            {move || store.t(T::Archive)}
        </button>
        <select data-testid="message-move" aria-label=move || store.t(T::MoveTo) on:change=choose prop:value="">
            <option value="">{move || store.t(T::MoveTo)}</option>
            {move || folder_choices(store).into_iter().map(|(id, label)| {
                let here = folder().as_deref() == Some(id.as_str());
                view! { <option value=id disabled=here>{label}</option> }
            }).collect_view()}
        </select>
    }
}

/// `subject` as a file name: no path separators or characters a file system refuses, at
/// most 80 characters.
fn file_name(subject: &str) -> String {
    let name: String = subject
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(80)
        .collect();
    match name.trim() {
        "" => "message".to_owned(),
        name => name.to_owned(),
    }
}
