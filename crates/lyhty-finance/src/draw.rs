//! Drawing PDF pages with krilla: the embedded fonts, a painter for text, rectangles, lines
//! and barcodes, and a document of A4 pages.
//!
//! The invoice ([`pdf`](crate::pdf)) and the spend reports ([`report_pdf`](crate::report_pdf))
//! both draw with it, so they set type the same way. Text is set in Liberation Sans (SIL
//! OFL, `assets/fonts/`), embedded and subsetted by krilla, so ä, ö, å and € print the same
//! everywhere and the text can be copied and searched (the tests read it back with
//! `pdftotext`). Positions are in points from the top-left corner of the page.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

static REGULAR: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/LiberationSans-Bold.ttf");

/// A4 in points.
pub(crate) const A4_W: f32 = 595.28;
pub(crate) const A4_H: f32 = 841.89;
pub(crate) const BLACK: &str = "#000000";

/// Why a document could not be drawn; each renderer turns it into its own error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DrawError {
    /// The embedded font could not be loaded.
    Font,
    /// krilla refused the page size.
    PageSize,
    /// krilla could not write the document.
    Write(String),
}

/// The two weights of Liberation Sans, for drawing (krilla) and for measuring (ttf-parser).
struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: ttf_parser::Face<'static>,
    bold_face: ttf_parser::Face<'static>,
}

impl Fonts {
    fn load() -> Option<Self> {
        Some(Self {
            regular: Font::new(REGULAR.into(), 0)?,
            bold: Font::new(BOLD.into(), 0)?,
            regular_face: ttf_parser::Face::parse(REGULAR, 0).ok()?,
            bold_face: ttf_parser::Face::parse(BOLD, 0).ok()?,
        })
    }
}

/// A PDF of A4 pages, drawn one page at a time.
pub(crate) struct Pages {
    document: Document,
    fonts: Fonts,
    /// Set when a page could not be started; reported by [`Pages::finish`].
    failed: bool,
}

impl Pages {
    /// An empty document with its title and language in the metadata.
    pub(crate) fn new(title: String, language: &str) -> Result<Self, DrawError> {
        let fonts = Fonts::load().ok_or(DrawError::Font)?;
        let mut document = Document::new();
        document.set_metadata(Metadata::new().title(title).language(language.into()).creator("Lyhty".into()));
        Ok(Self { document, fonts, failed: false })
    }

    /// Adds an A4 page and draws it.
    pub(crate) fn page(&mut self, draw: impl FnOnce(&mut Painter)) {
        let Some(settings) = PageSettings::from_wh(A4_W, A4_H) else {
            self.failed = true;
            return;
        };
        let mut page = self.document.start_page_with(settings);
        let mut surface = page.surface();
        let mut painter = Painter { s: &mut surface, fonts: &self.fonts };
        draw(&mut painter);
        surface.finish();
        page.finish();
    }

    /// The PDF's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>, DrawError> {
        if self.failed {
            return Err(DrawError::PageSize);
        }
        self.document.finish().map_err(|e| DrawError::Write(format!("{e:?}")))
    }
}

/// Draws on one page. Colours are `#RRGGBB`.
pub(crate) struct Painter<'a, 'b> {
    s: &'a mut Surface<'b>,
    fonts: &'a Fonts,
}

fn colour(hex: &str) -> rgb::Color {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0);
    rgb::Color::new((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

impl Painter<'_, '_> {
    fn fill(&mut self, hex: &str) {
        self.s.set_fill(Some(Fill {
            paint: colour(hex).into(),
            opacity: NormalizedF32::ONE,
            rule: Default::default(),
        }));
    }

    /// Text with its baseline at `y`.
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str, hex: &str) {
        self.fill(hex);
        let font = if bold { self.fonts.bold.clone() } else { self.fonts.regular.clone() };
        self.s.draw_text(Point::from_xy(x, y), font, size, text, false, TextDirection::Auto);
    }

    /// Text that ends at `right`.
    pub(crate) fn text_right(&mut self, right: f32, y: f32, size: f32, bold: bool, text: &str, hex: &str) {
        let w = self.width(text, size, bold);
        self.text(right - w, y, size, bold, text, hex);
    }

    /// The width of `text` in points.
    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = if bold { &self.fonts.bold_face } else { &self.fonts.regular_face };
        let units: f32 = text
            .chars()
            .map(|c| face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).map_or(0.0, f32::from))
            .sum();
        units * size / f32::from(face.units_per_em())
    }

    /// Splits `text` at spaces into lines no wider than `max` (a word longer than a line
    /// stands alone).
    pub(crate) fn wrap(&self, text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if !current.is_empty() && self.width(&candidate, size, bold) > max {
                lines.push(std::mem::replace(&mut current, word.to_string()));
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }

    /// `text` cut with an ellipsis to fit `max` points.
    pub(crate) fn fit(&self, text: &str, size: f32, bold: bool, max: f32) -> String {
        if self.width(text, size, bold) <= max {
            return text.to_string();
        }
        let mut out: String = text.to_string();
        while !out.is_empty() && self.width(&format!("{out}…"), size, bold) > max {
            out.pop();
        }
        format!("{}…", out.trim_end())
    }

    /// A filled rectangle from its top-left corner.
    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, hex: &str) {
        let Some(rect) = Rect::from_xywh(x, y, w.max(0.01), h.max(0.01)) else { return };
        let mut pb = PathBuilder::new();
        pb.push_rect(rect);
        if let Some(path) = pb.finish() {
            self.s.set_stroke(None);
            self.fill(hex);
            self.s.draw_path(&path);
        }
    }

    /// A black horizontal rule from `x1` to `x2`.
    pub(crate) fn rule(&mut self, x1: f32, y: f32, x2: f32, thickness: f32) {
        self.rect(x1, y, x2 - x1, thickness, BLACK);
    }

    /// A polyline through `points`.
    pub(crate) fn line(&mut self, points: &[(f32, f32)], width: f32, hex: &str) {
        if points.len() < 2 {
            return;
        }
        let mut pb = PathBuilder::new();
        pb.move_to(points[0].0, points[0].1);
        for (x, y) in &points[1..] {
            pb.line_to(*x, *y);
        }
        if let Some(path) = pb.finish() {
            self.s.set_fill(None);
            self.s.set_stroke(Some(Stroke { paint: colour(hex).into(), width, ..Default::default() }));
            self.s.draw_path(&path);
            self.s.set_stroke(None);
        }
    }

    /// Draws Code 128 element widths (bar first) from (`x`, `y`) downwards, as filled
    /// rectangles so the barcode scans at any zoom.
    pub(crate) fn code128(&mut self, x: f32, y: f32, module: f32, height: f32, modules: &[u8]) {
        let mut cursor = x;
        for (i, m) in modules.iter().enumerate() {
            let w = f32::from(*m) * module;
            if i % 2 == 0 {
                self.rect(cursor, y, w, height, BLACK);
            }
            cursor += w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fonts_cover_finnish_and_swedish_letters_and_the_euro_sign() {
        let fonts = Fonts::load().unwrap();
        for c in "äöåÄÖÅ€–".chars() {
            assert!(fonts.regular_face.glyph_index(c).is_some(), "{c}");
            assert!(fonts.bold_face.glyph_index(c).is_some(), "{c}");
        }
    }

    #[test]
    fn colours_are_read_from_hex() {
        assert_eq!(colour("#1F4E79"), rgb::Color::new(0x1F, 0x4E, 0x79));
        assert_eq!(colour("nonsense"), rgb::Color::new(0, 0, 0));
    }
}
