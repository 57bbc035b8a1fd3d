//! A browser without JavaScript for the page tests, and the small expo they run on.

use crate::common;

use common::{Backend, TestApp};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;

/// A browser without JavaScript: follows no redirect by itself, keeps its cookies.
pub struct Browser {
    pub base: String,
    pub client: reqwest::Client,
    pub cookies: Vec<(String, String)>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        let at = self.text.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
        self.text[at..at + 32].to_string()
    }

    pub fn h1_count(&self) -> usize {
        self.text.matches("<h1").count()
    }
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        Self {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let response = request
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("request");
        let headers = response.headers().clone();
        for set in headers.get_all(SET_COOKIE) {
            let set = set.to_str().expect("ascii cookie");
            let (pair, _) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            self.cookies.retain(|(k, _)| k != name);
            if !set.contains("Max-Age=0") {
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
        Page {
            status: response.status(),
            headers,
            text: response.text().await.expect("body"),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(format!("{}{path}", self.base)).form(form);
        self.send(request).await
    }

    pub async fn sign_in(&mut self, token: &str) {
        let page = self.get(&format!("/login?token={token}")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
        assert_eq!(page.location(), "/");
    }
}

pub struct Expo {
    pub app: TestApp,
    pub event: String,
    pub bangkok: (String, String),
    pub acme: (String, String),
    pub rabat: (String, String),
}

pub async fn expo(backend: Backend) -> Expo {
    let app = TestApp::start(backend).await;
    let event = common::id(&app.expo().await);
    let bangkok = app
        .participant(
            &event,
            json!({"name": "Bangkok Metropolitan Administration", "kind": "delegation",
                   "city": "Bangkok", "country": "TH", "topics": ["flood sensors"],
                   "seeks": ["flood sensors"]}),
        )
        .await;
    let acme = app
        .participant(
            &event,
            json!({"name": "Acme Mobility", "kind": "company", "city": "Casablanca", "country": "MA",
                   "topics": ["mobility"], "offers": ["flood sensors"]}),
        )
        .await;
    let rabat = app
        .participant(
            &event,
            json!({"name": "Rabat", "kind": "delegation", "country": "MA"}),
        )
        .await;
    Expo {
        app,
        event,
        bangkok,
        acme,
        rabat,
    }
}
