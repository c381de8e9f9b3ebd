//! The demo platform keeps the platform's contract: its documented requests and answers,
//! and Doorkeeper's order of answers.

use std::time::Duration;

use demo_platform::{fast_options, running as platform, Decision, DemoOptions, DEMO_CLIENT_ID};

#[tokio::test]
async fn the_server_says_expired_token_once_then_invalid_grant() {
    // A client whose clock runs late: the server's answers decide.
    let platform = platform(DemoOptions {
        expires_in: Duration::from_secs(2),
        ..fast_options()
    })
    .await;
    let http = reqwest::Client::new();
    let device: serde_json::Value = http
        .post(format!("{}/oauth/authorize_device", platform.auth_url()))
        .form(&[("client_id", DEMO_CLIENT_ID)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device_code = device["device_code"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let form = |code: &str| {
        [
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code".to_owned(),
            ),
            ("device_code", code.to_owned()),
            ("client_id", DEMO_CLIENT_ID.to_owned()),
        ]
    };
    let url = format!("{}/oauth/token", platform.auth_url());
    for expected in ["expired_token", "invalid_grant"] {
        let answer = http
            .post(&url)
            .form(&form(&device_code))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 400);
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["error"], expected);
    }
}

/// The platform's own documentation sends JSON bodies; the demo takes those too.
#[tokio::test]
async fn the_documented_json_requests_work() {
    let platform = platform(fast_options()).await;
    let http = reqwest::Client::new();
    let base = platform.auth_url();
    let device: serde_json::Value = http
        .post(format!("{base}/oauth/authorize_device"))
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"client_id": "{DEMO_CLIENT_ID}"}}"#))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = device["device_code"].as_str().unwrap();
    assert!(device["verification_uri_complete"]
        .as_str()
        .unwrap()
        .contains("user_code="));
    platform.decide(device["user_code"].as_str().unwrap(), Decision::Approved);
    let token: serde_json::Value = http
        .post(format!("{base}/oauth/token"))
        .header("Content-Type", "application/json")
        .body(format!(
            r#"{{"grant_type": "urn:ietf:params:oauth:grant-type:device_code", "device_code": "{code}", "client_id": "{DEMO_CLIENT_ID}"}}"#
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "scope",
        "created_at",
    ] {
        assert!(token.get(key).is_some(), "{key} missing from {token}");
    }
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 7200);
    let user = http
        .get(format!("{base}/api/v1/users/current_user"))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 200);
    let user: serde_json::Value = user.json().await.unwrap();
    assert_eq!(user["id"], 5);
    assert_eq!(user["created_date"], "05/02/2024");
    let anonymous = http
        .get(format!("{base}/api/v1/users/current_user"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.headers().contains_key("www-authenticate"));
    assert!(anonymous.bytes().await.unwrap().is_empty());
}
