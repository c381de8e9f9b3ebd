//! The learner's side: the verification page, where a code is approved or denied.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;

use crate::app::App;
use crate::page;
use crate::state::Decision;

#[derive(serde::Deserialize)]
pub(crate) struct DevicePageQuery {
    #[serde(default)]
    user_code: String,
}

pub(crate) async fn device_page(
    State(app): State<App>,
    Query(q): Query<DevicePageQuery>,
) -> Html<String> {
    Html(page::device_form(
        &q.user_code,
        &app.user.email,
        &app.user.password,
        None,
    ))
}

#[derive(serde::Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    user_code: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    decision: String,
}

pub(crate) async fn device_decision(
    State(app): State<App>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let u = &app.user;
    let again = |error: &str| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Html(page::device_form(
                &f.user_code,
                &u.email,
                &u.password,
                Some(error),
            )),
        )
            .into_response()
    };
    if !f.email.trim().eq_ignore_ascii_case(&u.email) || f.password != u.password {
        return again("Wrong email or password.");
    }
    let approve = f.decision == "authorize";
    let decision = if approve {
        Decision::Approved
    } else {
        Decision::Denied
    };
    if !app.store.lock().unwrap().decide(&f.user_code, decision) {
        return again("This code is unknown or has expired. Check the code shown in Passerelle.");
    }
    Html(page::done(approve)).into_response()
}
