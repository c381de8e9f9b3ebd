//! Headless Chromium, for the learner's side of the approval.

use std::process::{Command, Stdio};

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{artifacts, connect, find_tool, free_port, Process, WAIT};

/// Headless Chromium, where the learner approves or denies.
pub struct Browser {
    client: Client,
    _driver: Process,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn launch() -> Browser {
        let port = free_port();
        let driver = Process(
            Command::new(find_tool("chromedriver"))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        let profile = tempfile::tempdir().unwrap();
        let client = connect(
            port,
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": find_tool("chromium"),
                    "args": [
                        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                        format!("--user-data-dir={}", profile.path().display()),
                    ]
                }
            }),
        )
        .await;
        Browser {
            client,
            _driver: driver,
            _profile: profile,
        }
    }

    /// On the verification page at `url`, the learner types `code` as the window shows it
    /// (replacing what the link filled in, if anything), signs in to the demo and presses
    /// `button`. Returns the page's answer.
    pub async fn decide(&self, url: &str, code: &str, button: &str) -> String {
        self.client.goto(url).await.unwrap();
        let field = self.client.find(Locator::Id("user_code")).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(code).await.unwrap();
        self.client
            .find(Locator::Id("password"))
            .await
            .unwrap()
            .send_keys("passerelle")
            .await
            .unwrap();
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(artifacts().join("browser-verification-page.png"), png).unwrap();
        }
        self.client
            .find(Locator::Id(button))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let result = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("#result, .error"))
            .await
            .unwrap();
        result.text().await.unwrap()
    }

    /// What the page pre-filled from the link.
    pub async fn prefilled(&self, url: &str) -> String {
        self.client.goto(url).await.unwrap();
        let field = self.client.find(Locator::Id("user_code")).await.unwrap();
        field.prop("value").await.unwrap().unwrap_or_default()
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}
