//! Forms in several languages: each person reads the form in their own locale, else in
//! one their request accepts, else in the form's default; answers and reports use option
//! values whatever the language; bad locale maps and options are 422 with nothing written.

use reqwest::Method;
use serde_json::{json, Value};
use stakemap::auth::Role;

use crate::helpers::{assert_problem, error_fields, TestApp};
use crate::on_both_backends;

on_both_backends!(each_person_reads_the_form_in_their_language, bad_locale_maps_and_options_write_nothing);

fn questions() -> Value {
    json!([
        {"key": "nps", "type": "nps", "required": true, "label": {
            "en": "How likely are you to recommend us?",
            "fi": "Kuinka todennäköisesti suosittelisit meitä?",
            "ko": "저희를 추천하실 가능성은 얼마나 됩니까?",
            "zh-CN": "您有多大可能向他人推荐我们？"}},
        {"key": "focus", "type": "single_choice", "label": {"en": "Priority", "fi": "Painopiste", "zh-CN": "优先事项"},
         "options": ["cost", {"value": "speed", "label": {"en": "Speed", "fi": "Nopeus", "ko": "속도", "zh-CN": "速度"}}]},
    ])
}

async fn mine(app: &TestApp, token: &str, form: &str, accept: Option<&str>) -> Value {
    let mut req = app.request(Method::GET, &format!("/v1/me/forms/{form}"), token);
    if let Some(accept) = accept {
        req = req.header("Accept-Language", accept);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn each_person_reads_the_form_in_their_language(app: TestApp) {
    let ws = app.workspace("Kielet");
    let m = app.token(&ws, Role::Manager);
    let mut ids = Vec::new();
    for (name, locale) in [("Aino Virtanen", json!("fi")), ("김민준", json!("ko")), ("王芳", Value::Null)]
    {
        let body = json!({"name": name, "group": "external", "tags": ["panel"], "locale": locale});
        ids.push(app.create_stakeholder(&m, body).await["id"].as_str().unwrap().to_string());
    }
    let body = json!({"title": {"en": "Monthly pulse", "fi": "Kuukauden pulssi", "ko": "월간 펄스", "zh-CN": "月度脉搏"},
        "description": "One minute, once a month.", "default_locale": "en",
        "audience": {"tags": ["panel"]}, "questions": questions()});
    let res = app.post("/v1/forms", &m, &body).await;
    assert_eq!(res.status(), 201);
    let form: Value = res.json().await.unwrap();
    assert_eq!(form["default_locale"], "en");
    assert_eq!(form["title"]["zh-CN"], "月度脉搏", "managers read every language");
    let form = form["id"].as_str().unwrap().to_string();

    let aino = app.link_token(&m, &ids[0]).await;
    let minjun = app.link_token(&m, &ids[1]).await;
    let fang = app.link_token(&m, &ids[2]).await;
    // The person's own locale wins over what the request accepts.
    let fi = mine(&app, &aino, &form, Some("zh-CN")).await;
    assert_eq!((&fi["locale"], &fi["title"]), (&json!("fi"), &json!("Kuukauden pulssi")));
    assert_eq!(fi["questions"][0]["label"], "Kuinka todennäköisesti suosittelisit meitä?");
    assert_eq!(
        fi["questions"][1]["options"],
        json!([{"value": "cost", "label": "cost"}, {"value": "speed", "label": "Nopeus"}])
    );
    assert_eq!(fi["description"], "One minute, once a month.", "a plain text is the same in every language");
    // Korean: a label not translated falls back to the default language.
    let ko = mine(&app, &minjun, &form, None).await;
    assert_eq!((&ko["locale"], &ko["title"]), (&json!("ko"), &json!("월간 펄스")));
    assert_eq!(ko["questions"][1]["label"], "Priority");
    assert_eq!(ko["questions"][1]["options"][1]["label"], "속도");
    // No locale of her own: her request's Accept-Language, else the default.
    let zh = mine(&app, &fang, &form, Some("zh-TW;q=0.9, sv")).await;
    assert_eq!((&zh["locale"], &zh["questions"][1]["label"]), (&json!("zh-CN"), &json!("优先事项")));
    let en = mine(&app, &fang, &form, Some("sv, de;q=0.5")).await;
    assert_eq!((&en["locale"], &en["title"]), (&json!("en"), &json!("Monthly pulse")));
    let listed: Value = app.get("/v1/me/forms", &minjun).await.json().await.unwrap();
    assert_eq!(
        (&listed["items"][0]["locale"], &listed["items"][0]["title"]),
        (&json!("ko"), &json!("월간 펄스"))
    );

    // Answers hold the option's value, never a translated label.
    let subs = format!("/v1/forms/{form}/submissions");
    let res = app.post(&subs, &aino, &json!({"answers": {"nps": 9, "focus": "Nopeus"}})).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["answers.focus"]);
    let res = app.post(&subs, &aino, &json!({"answers": {"nps": 9, "focus": "speed"}})).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["answers"]["focus"], "speed");
    assert_eq!(
        app.post(&subs, &minjun, &json!({"answers": {"nps": 4, "focus": "speed"}})).await.status(),
        201
    );
    let report: Value = app.get(&format!("/v1/forms/{form}/report"), &m).await.json().await.unwrap();
    let focus = report["questions"].as_array().unwrap().iter().find(|q| q["key"] == "focus").unwrap();
    assert_eq!(focus["counts"], json!({"cost": 0, "speed": 2}), "counted by value, whatever the language");

    // A new version: the old answer is shown with the questions it answered, in her language.
    let v2 = json!([{"key": "nps", "type": "nps", "required": true,
        "label": {"en": "Would you recommend us?", "fi": "Suosittelisitko meitä?"}}]);
    assert_eq!(
        app.post(&format!("/v1/forms/{form}/versions"), &m, &json!({"questions": v2})).await.status(),
        201
    );
    let fi = mine(&app, &aino, &form, None).await;
    assert_eq!(fi["questions"][0]["label"], "Suosittelisitko meitä?");
    let old = &fi["submissions"][0];
    assert_eq!(old["form_version"], 1);
    assert_eq!(old["questions"][1]["options"][1]["label"], "Nopeus");
}

async fn bad_locale_maps_and_options_write_nothing(app: TestApp) {
    let ws = app.workspace("Virheet");
    let m = app.token(&ws, Role::Manager);
    let form = |title: Value, questions: Value| json!({"title": title, "questions": questions});
    let plain = json!([{"key": "a", "type": "text", "label": "A"}]);
    let cases = [
        (form(json!({"fi": "Pulssi"}), plain.clone()), vec!["title"]),
        (form(json!({"en": "Pulse", "klingon": "x"}), plain.clone()), vec!["title.klingon"]),
        (
            form(json!("Pulse"), json!([{"key": "a", "type": "text", "label": {"fi": "A"}}])),
            vec!["questions[0].label"],
        ),
        (
            form(
                json!("Pulse"),
                json!([{"key": "c", "type": "single_choice", "label": "C", "options": [{"label": {"en": "No value"}}]}]),
            ),
            vec!["questions[0].options[0].value"],
        ),
        (
            form(
                json!("Pulse"),
                json!([{"key": "c", "type": "multi_choice", "label": "C", "options": ["a", {"value": "a", "label": "A"}]}]),
            ),
            vec!["questions[0].options[1].value"],
        ),
        (
            form(
                json!("Pulse"),
                json!([{"key": "c", "type": "single_choice", "label": "C", "options": [{"value": "a", "label": {"fi": "A"}}]}]),
            ),
            vec!["questions[0].options[0].label"],
        ),
    ];
    for (body, fields) in cases {
        let res = app.post("/v1/forms", &m, &body).await;
        assert_eq!(error_fields(&assert_problem(res, 422).await), fields, "{body}");
    }
    let mut body = form(json!({"fi": "Pulssi"}), plain.clone());
    body["default_locale"] = json!("tlh-Klingon");
    assert_eq!(
        error_fields(&assert_problem(app.post("/v1/forms", &m, &body).await, 422).await),
        ["default_locale"]
    );
    let forms: Value = app.get("/v1/forms", &m).await.json().await.unwrap();
    assert_eq!(forms["items"], json!([]), "nothing written");

    // A Finnish form: its maps must include Finnish, on create, patch and new versions.
    let mut body = form(json!({"fi": "Pulssi", "en": "Pulse"}), plain.clone());
    body["default_locale"] = json!("FI");
    let created: Value = app.post("/v1/forms", &m, &body).await.json().await.unwrap();
    assert_eq!(created["default_locale"], "fi");
    let id = created["id"].as_str().unwrap();
    let res = app.patch(&format!("/v1/forms/{id}"), &m, &json!({"title": {"en": "Pulse only"}})).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["title"]);
    let res = app.patch(&format!("/v1/forms/{id}"), &m, &json!({"default_locale": "en"})).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["default_locale"]);
    let v2 = json!({"questions": [{"key": "a", "type": "text", "label": {"en": "A"}}]});
    let res = app.post(&format!("/v1/forms/{id}/versions"), &m, &v2).await;
    assert_eq!(error_fields(&assert_problem(res, 422).await), ["questions[0].label"]);
    let now: Value = app.get(&format!("/v1/forms/{id}"), &m).await.json().await.unwrap();
    assert_eq!((&now["revision"], &now["version"]), (&json!(1), &json!(1)), "nothing written");
    assert_eq!(now["title"], json!({"en": "Pulse", "fi": "Pulssi"}));
}
