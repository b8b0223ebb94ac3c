// Shared by the targets: the parser as the server calls it, with limits small enough that
// one input stays fast but large enough that every stage (detection, unpacking, header
// search, validation) is reached.
use lyhty_domain::Lang;
use lyhty_ingest::{Limits, VendorCatalogue, read_submission_on};
use std::sync::OnceLock;

pub fn parse(bytes: &[u8], file_name: &str) {
    static CATALOGUE: OnceLock<VendorCatalogue> = OnceLock::new();
    let catalogue = CATALOGUE.get_or_init(VendorCatalogue::seeded);
    let limits = Limits {
        max_bytes: 4 * 1024 * 1024,
        max_rows: 2_000,
        max_columns: 200,
        max_cells: 200_000,
        max_decompressed_bytes: 32 * 1024 * 1024,
        max_issues: 200,
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a valid date");
    // Any answer is fine, an error included; a panic, a hang or a blow-up in memory is not.
    if let Ok(parsed) = read_submission_on(bytes, file_name, &limits, catalogue, Lang::Fi, today) {
        // The report must describe the lines it came with: a person checks these figures.
        assert_eq!(parsed.report.lines as usize, parsed.lines.len());
        assert!(parsed.lines.len() <= parsed.report.rows as usize, "more lines than rows read");
    }
}
