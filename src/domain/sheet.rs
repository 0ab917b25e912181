//! An uploaded table (CSV or XLSX, first worksheet) read into a header row and rows of
//! text cells, with the line each row came from (the header is line 1).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// The formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, UTF-8, header row first.
    Csv,
    /// An Excel workbook; its first worksheet, header row first.
    Xlsx,
}

impl Format {
    /// XLSX files are ZIP archives: they start with `PK\x03\x04`.
    pub fn sniff(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// One data row: its line and its cells, or why it could not be read.
#[derive(Debug, Clone)]
pub struct SheetRow {
    /// Line (CSV) or row number (XLSX); the header is 1.
    pub line: u64,
    /// Cells in header order, or the reader's complaint.
    pub cells: Result<Vec<String>, String>,
}

/// A read table.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The header row, trimmed.
    pub headers: Vec<String>,
    /// The data rows, blank rows left out.
    pub rows: Vec<SheetRow>,
}

/// Why a table could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// Not a readable file of its format, or no header row.
    #[error("{0}")]
    Unreadable(String),
    /// More data rows than allowed.
    #[error("at most {0} rows per import")]
    TooManyRows(usize),
    /// An archive that would unpack to more than allowed (a "zip bomb").
    #[error("the XLSX file unpacks to more than 128 MiB")]
    TooLargeUnpacked,
}

/// Reads `bytes` as `format`, at most `max_rows` data rows.
pub fn read(bytes: &[u8], format: Format, max_rows: usize) -> Result<Sheet, SheetError> {
    match format {
        Format::Csv => read_csv(bytes, max_rows),
        Format::Xlsx => read_xlsx(bytes, max_rows),
    }
}

fn read_csv(bytes: &[u8], max_rows: usize) -> Result<Sheet, SheetError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| SheetError::Unreadable(format!("cannot read the CSV header: {e}")))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        if rows.len() == max_rows {
            return Err(SheetError::TooManyRows(max_rows));
        }
        rows.push(match record {
            Ok(r) => SheetRow {
                line: r.position().map_or(0, |p| p.line()),
                cells: Ok(r.iter().map(str::to_string).collect()),
            },
            Err(e) => SheetRow {
                line: e.position().map_or(0, |p| p.line()),
                cells: Err(format!("malformed CSV row: {e}")),
            },
        });
    }
    Ok(Sheet { headers, rows })
}

/// The most an uploaded workbook may unpack to, by its own declared sizes (128 MiB).
const MAX_UNPACKED: u128 = 128 << 20;

fn read_xlsx(bytes: &[u8], max_rows: usize) -> Result<Sheet, SheetError> {
    check_unpacked(bytes, MAX_UNPACKED)?;
    let unreadable =
        |e: &dyn std::fmt::Display| SheetError::Unreadable(format!("cannot read the XLSX file: {e}"));
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| SheetError::Unreadable("the XLSX file has no worksheet".into()))?
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(row, _)| u64::from(row));
    let mut lines = range.rows().enumerate();
    let headers: Vec<String> = match lines.next() {
        Some((_, cells)) => cells.iter().map(|c| text(c).trim().to_string()).collect(),
        None => return Err(SheetError::Unreadable("the worksheet is empty: a header row is needed".into())),
    };
    let mut rows = Vec::new();
    for (i, cells) in lines {
        let cells: Vec<String> = cells.iter().map(text).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(SheetError::TooManyRows(max_rows));
        }
        rows.push(SheetRow { line: first_row + i as u64 + 1, cells: Ok(cells) });
    }
    Ok(Sheet { headers, rows })
}

// Refuses an archive that declares more unpacked bytes than `limit`, before any of it is
// inflated (calamine would hold the whole worksheet in memory).
fn check_unpacked(bytes: &[u8], limit: u128) -> Result<(), SheetError> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| SheetError::Unreadable(format!("cannot read the XLSX file: {e}")))?;
    match archive.decompressed_size() {
        Some(n) if n > limit => Err(SheetError::TooLargeUnpacked),
        _ => Ok(()),
    }
}

// A cell as the text a person typed: whole numbers without a decimal point.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn archive(text: &str) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/worksheets/sheet1.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn archives_declaring_more_than_the_limit_are_refused_unopened() {
        let bytes = archive(&" ".repeat(4096));
        assert!(matches!(check_unpacked(&bytes, 1024), Err(SheetError::TooLargeUnpacked)));
        assert!(check_unpacked(&bytes, 8192).is_ok());
        assert!(matches!(check_unpacked(b"PK\x03\x04 no archive", 8192), Err(SheetError::Unreadable(_))));
    }

    #[test]
    fn csv_rows_keep_their_lines_and_the_row_limit_holds() {
        let sheet =
            read(b"Name,Email\nAnn,a@x.fi\n\"Bob\nBobson\",b@x.fi\nCy,c@x.fi\n", Format::Csv, 10).unwrap();
        let lines: Vec<u64> = sheet.rows.iter().map(|r| r.line).collect();
        assert_eq!(
            (sheet.headers.clone(), lines),
            (vec!["Name".to_string(), "Email".to_string()], vec![2, 3, 5])
        );
        assert!(matches!(read(b"a\n1\n2\n", Format::Csv, 1), Err(SheetError::TooManyRows(1))));
    }
}
