//! A message forwarded inside the open one (`message/rfc822`), shown nested: its headers,
//! its text and its attachments' names (the whole of it is also an `.eml` attachment).

use leptos::prelude::*;

use crate::format;
use crate::i18n::T;
use crate::model::reading::Forwarded;
use crate::state::AppStore;

/// The forwarded message `message`.
#[component]
pub fn ForwardedMessage(message: Forwarded) -> impl IntoView {
    let store = expect_context::<AppStore>();
    let Forwarded {
        summary,
        to,
        text,
        attachments,
    } = message;
    let from = match summary.from_address.is_empty() || summary.from == summary.from_address {
        true => summary.from,
        false => format!("{} <{}>", summary.from, summary.from_address),
    };
    let date_ms = summary.date_ms;
    let names = attachments.join(", ");
    view! {
        <section class="forwarded" data-testid="forwarded-message">
            <p class="forwarded-title">{move || store.t(T::ForwardedMessage)}</p>
            <h3 data-testid="forwarded-subject">{summary.subject}</h3>
            <dl class="headers">
                <dt>{move || store.t(T::From)}</dt><dd data-testid="forwarded-from">{from}</dd>
                <dt>{move || store.t(T::To)}</dt><dd>{to}</dd>
                <dt>{move || store.t(T::Date)}</dt>
                <dd>{move || format::date(date_ms, store.lang.get())}</dd>
                <dt hidden=names.is_empty()>{move || store.t(T::Attachments)}</dt>
                <dd hidden=names.is_empty() data-testid="forwarded-attachments">{names.clone()}</dd>
            </dl>
            <pre class="body" data-testid="forwarded-body">{text}</pre>
        </section>
    }
}
