//! The messages' words, in Finnish, Swedish and English: reminders of a data request and
//! the weekly digest. Plain text: every mail client shows it, and nothing in it can be a
//! tracking pixel or a script.

use chrono::NaiveDate;
use lyhty_domain::Lang;
use lyhty_domain::data_request::{DataRequest, PartyStatus, ReminderKind};

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// A date as people in `lang` write it: `31.3.2026` in Finnish and Swedish, ISO in English.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fi | Lang::Sv => d.format("%-d.%-m.%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn footer(lang: Lang) -> &'static str {
    match lang {
        Lang::Fi => {
            "Tämä viesti tulee Lyhty-verkoston tietojärjestelmästä, koska olet organisaatiosi käyttäjä. \
             Kielen ja viikkokoosteen voit valita Lyhdyn asetuksista."
        }
        Lang::Sv => {
            "Detta meddelande kommer från Lyhty-nätverkets datasystem eftersom du är användare för din \
             organisation. Språk och veckosammandrag väljer du i Lyhtys inställningar."
        }
        Lang::En => {
            "This message comes from the Lyhty network's data system because you are a user for your \
             organisation. Choose the language and the weekly digest in Lyhty's settings."
        }
    }
}

/// A reminder to a party's user that the party has not yet submitted its inventory.
pub fn reminder(lang: Lang, kind: ReminderKind, request: &DataRequest, org_name: &str) -> Text {
    let (title, due) = (&request.title, date(lang, request.due_on));
    let subject = match (lang, kind) {
        (Lang::Fi, ReminderKind::DueIn14Days) => format!("Muistutus: tietopyynnön \"{title}\" määräaika on {due}"),
        (Lang::Fi, ReminderKind::DueIn3Days) => format!("Muistutus: tietopyynnön \"{title}\" määräaika on jo {due}"),
        (Lang::Fi, ReminderKind::Missed) => format!("Tietopyyntö \"{title}\" on myöhässä (määräaika oli {due})"),
        (Lang::Sv, ReminderKind::DueIn14Days) => {
            format!("Påminnelse: sista dag för datainsamlingen \"{title}\" är {due}")
        }
        (Lang::Sv, ReminderKind::DueIn3Days) => {
            format!("Påminnelse: sista dag för datainsamlingen \"{title}\" är redan {due}")
        }
        (Lang::Sv, ReminderKind::Missed) => format!("Datainsamlingen \"{title}\" är försenad (sista dag var {due})"),
        (Lang::En, ReminderKind::DueIn14Days) => format!("Reminder: the data request \"{title}\" is due on {due}"),
        (Lang::En, ReminderKind::DueIn3Days) => {
            format!("Reminder: the data request \"{title}\" is due as soon as {due}")
        }
        (Lang::En, ReminderKind::Missed) => format!("The data request \"{title}\" is overdue (it was due on {due})"),
    };
    let ask = match lang {
        Lang::Fi => format!(
            "Organisaatiolta {org_name} ei ole vielä tullut hyväksyttyä lisenssi-inventaariota tietopyyntöön \
             \"{title}\". Määräaika: {due}.\n\nKirjaudu Lyhtyyn ja lataa inventaario Inventaario-sivulla."
        ),
        Lang::Sv => format!(
            "Någon godkänd licensinventering har ännu inte kommit från {org_name} för datainsamlingen \
             \"{title}\". Sista dag: {due}.\n\nLogga in i Lyhty och ladda upp inventeringen på sidan Inventering."
        ),
        Lang::En => format!(
            "No accepted licence inventory has come yet from {org_name} for the data request \"{title}\". \
             Due: {due}.\n\nSign in to Lyhty and upload the inventory on the Inventory page."
        ),
    };
    Text { subject, body: format!("{ask}\n\n-- \n{}\n", footer(lang)) }
}

/// One open request in a digest, with the reader's party's status when they have a party.
pub struct DigestRequest<'a> {
    pub request: &'a DataRequest,
    pub status: Option<PartyStatus>,
}

/// One upcoming notice deadline of the reader's party.
pub struct DigestDeadline {
    pub date: NaiveDate,
    pub vendor: String,
    pub product: String,
}

/// The weekly digest: the open data requests and the party's notice deadlines of the next
/// 60 days. `week` is the ISO week, e.g. `2026-W49`.
pub fn digest(lang: Lang, week: &str, requests: &[DigestRequest<'_>], deadlines: &[DigestDeadline]) -> Text {
    let subject = match lang {
        Lang::Fi => format!("Lyhty: viikkokooste {week}"),
        Lang::Sv => format!("Lyhty: veckosammandrag {week}"),
        Lang::En => format!("Lyhty: weekly digest {week}"),
    };
    let [req_head, none_req, dl_head, none_dl, due_word] = match lang {
        Lang::Fi => [
            "Avoimet tietopyynnöt",
            "Ei avoimia tietopyyntöjä.",
            "Irtisanomisajat seuraavan 60 päivän aikana",
            "Ei irtisanomisaikoja seuraavan 60 päivän aikana.",
            "määräaika",
        ],
        Lang::Sv => [
            "Öppna datainsamlingar",
            "Inga öppna datainsamlingar.",
            "Uppsägningsfrister under de följande 60 dagarna",
            "Inga uppsägningsfrister under de följande 60 dagarna.",
            "sista dag",
        ],
        Lang::En => [
            "Open data requests",
            "No open data requests.",
            "Notice deadlines in the next 60 days",
            "No notice deadlines in the next 60 days.",
            "due",
        ],
    };
    let mut body = format!("{req_head}\n");
    if requests.is_empty() {
        body.push_str(&format!("  {none_req}\n"));
    }
    for r in requests {
        let status = r.status.map(|s| format!(" — {}", s.label(lang))).unwrap_or_default();
        body.push_str(&format!("  - {} ({due_word} {}){status}\n", r.request.title, date(lang, r.request.due_on)));
    }
    body.push_str(&format!("\n{dl_head}\n"));
    if deadlines.is_empty() {
        body.push_str(&format!("  {none_dl}\n"));
    }
    for d in deadlines {
        body.push_str(&format!("  - {}: {} {}\n", date(lang, d.date), d.vendor, d.product));
    }
    Text { subject, body: format!("{body}\n-- \n{}\n", footer(lang)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use lyhty_domain::DataRequestId;
    use lyhty_domain::data_request::RequestScope;

    fn request() -> DataRequest {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        DataRequest {
            id: DataRequestId::new(),
            title: "Nykytila 2026".into(),
            scope: RequestScope::default(),
            opens_on: d("2026-03-01"),
            due_on: d("2026-03-31"),
            as_of: d("2026-04-30"),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn reminders_speak_the_readers_language_and_name_the_due_date() {
        let r = request();
        let fi = reminder(Lang::Fi, ReminderKind::DueIn14Days, &r, "Kela");
        assert_eq!(fi.subject, "Muistutus: tietopyynnön \"Nykytila 2026\" määräaika on 31.3.2026");
        assert!(fi.body.contains("Kela") && fi.body.contains("Kirjaudu"), "{}", fi.body);
        let sv = reminder(Lang::Sv, ReminderKind::Missed, &r, "FPA");
        assert!(sv.subject.starts_with("Datainsamlingen \"Nykytila 2026\" är försenad"), "{}", sv.subject);
        let en = reminder(Lang::En, ReminderKind::DueIn3Days, &r, "Kela");
        assert!(en.subject.contains("2026-03-31"), "{}", en.subject);
    }

    #[test]
    fn the_digest_lists_requests_with_status_and_deadlines() {
        let r = request();
        let deadlines = [DigestDeadline {
            date: "2026-04-15".parse().unwrap(),
            vendor: "Microsoft".into(),
            product: "M365 E3".into(),
        }];
        let text =
            digest(Lang::En, "2026-W12", &[DigestRequest { request: &r, status: Some(PartyStatus::Late) }], &deadlines);
        assert_eq!(text.subject, "Lyhty: weekly digest 2026-W12");
        assert!(text.body.contains("Nykytila 2026 (due 2026-03-31) — Late"), "{}", text.body);
        assert!(text.body.contains("2026-04-15: Microsoft M365 E3"), "{}", text.body);
        let empty = digest(Lang::Fi, "2026-W12", &[], &[]);
        assert!(empty.body.contains("Ei avoimia tietopyyntöjä."), "{}", empty.body);
    }
}
