//! E-mail: reminders of data requests and the weekly digest (NETWORK.md "Data requests",
//! "Deadlines and alerts").
//!
//! - [`Mailer`]: the SMTP connection (`lettre`) configured by `LYHTY_SMTP_URL` and
//!   `LYHTY_MAIL_FROM`; without a URL there is no mailer and nothing is sent;
//! - [`texts`]: what the messages say, in the reader's language;
//!
//! The scheduled job that works out what is due, claims each message in the database and
//! sends it is [`crate::reminders`]: it reads the state, which holds the mailer, so it sits
//! above both.

pub mod texts;

use crate::settings::Settings;
use anyhow::Context;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// An SMTP server to send through, and the sender's address.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer `settings` describe, or `None` when no SMTP server is configured. A URL
    /// or sender that cannot be read stops start-up with its setting's name.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let Some(url) = settings.smtp_url.as_deref() else { return Ok(None) };
        let from: Mailbox =
            settings.mail_from.parse().with_context(|| format!("LYHTY_MAIL_FROM={:?}", settings.mail_from))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .with_context(|| format!("LYHTY_SMTP_URL={}", crate::redact_url(url)))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        Ok(Some(Self { transport, from }))
    }

    /// Sends one plain-text message. The error says what went wrong without the message.
    pub async fn send(&self, to: &str, text: &texts::Text) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("recipient address: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text.body.clone())
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_smtp_url_no_mailer_and_bad_settings_name_themselves() {
        let mut settings = Settings::default();
        assert!(Mailer::from_settings(&settings).unwrap().is_none());
        settings.smtp_url = Some("smtp://127.0.0.1:2525".into());
        assert!(Mailer::from_settings(&settings).unwrap().is_some(), "the default sender is a valid address");
        settings.mail_from = "not an address".into();
        let err = Mailer::from_settings(&settings).err().unwrap();
        assert!(err.to_string().contains("LYHTY_MAIL_FROM"), "{err}");
        settings.mail_from = "Lyhty <lyhty@valtori.example>".into();
        settings.smtp_url = Some("ftp://user:secret@host".into());
        let err = format!("{:#}", Mailer::from_settings(&settings).err().unwrap());
        assert!(err.contains("LYHTY_SMTP_URL") && !err.contains("secret"), "{err}");
    }
}
