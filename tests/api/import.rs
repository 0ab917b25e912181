//! Bringing an existing map in: CSV and XLSX tables, headers matched case-insensitively,
//! `columns` renames, analysis columns for leads only, `dry_run` writes nothing.

use std::io::Write;

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(an_xlsx_map_comes_in_with_its_analysis);
on_both_backends!(bad_imports_write_nothing);

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A one-sheet workbook as a spreadsheet program writes it: text as inline strings,
/// numbers as numbers (an `=` prefix marks a number cell here).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let column = |i: usize| ((b'A' + i as u8) as char).to_string();
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, cells) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in cells.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            match cell.strip_prefix('=') {
                Some(n) => sheet.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                None if cell.is_empty() => {}
                None => sheet
                    .push_str(&format!(r#"<c r="{at}" t="inlineStr"><is><t>{}</t></is></c>"#, escape(cell))),
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files = [
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Kartta" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in files {
        zip.start_file(name, stored).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn import(
    app: &TestApp,
    token: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    app.request(Method::POST, &format!("/v1/import/stakeholders{query}"), token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn statuses(result: &Value) -> Vec<String> {
    result["results"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap().to_string()).collect()
}

fn changes(app: &TestApp, ws: &str) -> i64 {
    use diesel::prelude::*;
    use stakemap::db::schema::changes::dsl::*;
    let mut conn = app.conn();
    let c: &mut stakemap::db::DbConnection = &mut conn;
    changes.filter(workspace_id.eq(ws)).count().get_result(c).unwrap()
}

fn map() -> Vec<u8> {
    xlsx(&[
        &[
            "Full name",
            "EMAIL",
            "Group",
            "Influence",
            "impact",
            "Stance",
            "Miksi",
            "Tags",
            "Source",
            "External_ID",
        ],
        &[
            "Äänislinna Öhman",
            "aanislinna@vesi.fi",
            "external",
            "=5",
            "=4",
            "advocate",
            "Sponsori",
            "vip;board",
            "sheet",
            "R1",
        ],
        &["张伟", "", "external", "=2", "=5", "critic", "担心成本", "", "sheet", "R2"],
        &["김민준", "", "internal", "", "", "", "", "", "", ""],
        &["Bad Row", "", "team", "high", "", "", "", "", "", ""],
    ])
}

async fn an_xlsx_map_comes_in_with_its_analysis(app: TestApp) {
    let ws = app.workspace("Kartta");
    let m = app.token(&ws, Role::Manager);
    let renames = r#"{"Full name":"name","Miksi":"stance_reason"}"#;
    let query = |extra: &str| {
        format!(
            "?columns={}{extra}",
            url::form_urlencoded::byte_serialize(renames.as_bytes()).collect::<String>()
        )
    };

    // A dry run reports what would happen and writes nothing.
    let before = (app.stakeholder_rows(&ws), changes(&app, &ws));
    let res = import(&app, &m, &query("&dry_run=true"), XLSX, map()).await;
    assert_eq!(res.status(), 200);
    let dry: Value = res.json().await.unwrap();
    assert_eq!(statuses(&dry), ["created", "created", "created", "error"]);
    assert_eq!(dry["results"][3]["line"], 5);
    assert_eq!(error_fields(&dry["results"][3]["error"]), ["influence"]);
    assert_eq!((app.stakeholder_rows(&ws), changes(&app, &ws)), before, "a dry run writes nothing");

    // The real import: same results, analysis kept, bytes sniffed without a media type.
    let res = import(&app, &m, &query(""), "application/octet-stream", map()).await;
    let done: Value = res.json().await.unwrap();
    assert_eq!(statuses(&done), ["created", "created", "created", "error"]);
    let id = done["results"][0]["id"].as_str().unwrap();
    let ann: Value = app.get(&format!("/v1/stakeholders/{id}"), &m).await.json().await.unwrap();
    assert_eq!(
        (
            &ann["name"],
            &ann["influence"],
            &ann["impact"],
            &ann["quadrant"],
            &ann["stance"],
            &ann["stance_reason"]
        ),
        (
            &json!("Äänislinna Öhman"),
            &json!(5),
            &json!(4),
            &json!("key_player"),
            &json!("advocate"),
            &json!("Sponsori")
        )
    );
    assert_eq!(ann["tags"], json!(["vip", "board"]));
    let found: Value = app.get("/v1/stakeholders?q=aanislinna", &m).await.json().await.unwrap();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "imported names fold like any other");

    // Keyed rows update on the next import; the CSV header matches case-insensitively.
    let csv = "NAME,Group,source,EXTERNAL_ID,Influence\nÄänislinna Öhman,external,sheet,R1,3\n";
    let again: Value = import(&app, &m, "", "text/csv", csv.as_bytes().to_vec()).await.json().await.unwrap();
    assert_eq!(statuses(&again), ["updated"]);
    assert_eq!(again["results"][0]["id"], id);
    let ann: Value = app.get(&format!("/v1/stakeholders/{id}"), &m).await.json().await.unwrap();
    assert_eq!(ann["influence"], 3);
}

async fn bad_imports_write_nothing(app: TestApp) {
    let ws = app.workspace("Huono");
    let crm = app.token(&ws, Role::Integration);
    let m = app.token(&ws, Role::Manager);
    let before = (app.stakeholder_rows(&ws), changes(&app, &ws));
    let renames = r#"?columns=%7B%22Full%20name%22%3A%22name%22%2C%22Miksi%22%3A%22stance_reason%22%7D"#;
    // The CRM never writes analysis: 403 naming the column.
    let p = assert_problem(import(&app, &crm, renames, XLSX, map()).await, 403).await;
    assert!(p["detail"].as_str().unwrap().contains("'Influence'"), "{p}");
    let p = assert_problem(import(&app, &app.token(&ws, Role::Contributor), renames, XLSX, map()).await, 403)
        .await;
    assert!(p["detail"].as_str().unwrap().contains("analysis"), "{p}");
    // Unknown headers, bad renames, a malformed `columns`, a broken workbook, a bad flag.
    let unknown = xlsx(&[&["Name", "Shoe size"], &["Ann", "=42"]]);
    let p = assert_problem(import(&app, &m, "", XLSX, unknown).await, 422).await;
    assert_eq!(error_fields(&p), ["columns.Shoe size"]);
    let p = assert_problem(
        import(&app, &m, "?columns=%7B%22Nope%22%3A%22name%22%7D", "text/csv", b"name\nAnn\n".to_vec()).await,
        422,
    )
    .await;
    assert_eq!(error_fields(&p), ["columns.Nope"]);
    let p =
        assert_problem(import(&app, &m, "?columns=%5B1%5D", "text/csv", b"name\nAnn\n".to_vec()).await, 422)
            .await;
    assert_eq!(error_fields(&p), ["columns"]);
    assert_problem(import(&app, &m, "", XLSX, b"PK\x03\x04 not really a workbook".to_vec()).await, 400).await;
    let p =
        assert_problem(import(&app, &m, "?dry_run=maybe", "text/csv", b"name\nAnn\n".to_vec()).await, 422)
            .await;
    assert_eq!(error_fields(&p), ["dry_run"]);
    assert_eq!((app.stakeholder_rows(&ws), changes(&app, &ws)), before, "nothing written");
}
