//! Every list pages: `?limit=` (1–1000, default 1000: a list that fits reads as before),
//! `?cursor=` from the `Link: rel="next"` of the page before; following the links gives each
//! item once, in the list's order. A bad limit or cursor is a 422 naming it.

use crate::booking_support::people;
use crate::common;

use common::{Backend, ORGANISER, TestApp, id};
use reqwest::Method;
use serde_json::Value;

/// The path of a `Link: <path>; rel="next"`, if the reply has one.
fn next_link(reply: &common::Reply) -> Option<String> {
    let link = reply.headers.get("link")?.to_str().ok()?;
    assert!(link.ends_with("; rel=\"next\""), "{link}");
    Some(link.split(['<', '>']).nth(1)?.to_owned())
}

/// Follows the pages of `path` `limit` at a time; returns the items' ids, checking that no
/// page is longer than asked.
async fn every_page(app: &TestApp, path: &str, token: &str, limit: usize, key: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut page = format!("{path}?limit={limit}");
    let mut pages = 0;
    loop {
        let reply = app.get(&page, Some(token)).await;
        reply.expect(200);
        let items = reply.json.as_array().expect("an array").clone();
        assert!(items.len() <= limit, "{page}: {} items", items.len());
        ids.extend(items.iter().map(|i| i[key].as_str().expect("key").to_owned()));
        pages += 1;
        assert!(pages < 100, "{path}: the pages never end");
        match next_link(&reply) {
            Some(next) => page = next,
            None => break,
        }
    }
    ids
}

async fn whole(app: &TestApp, path: &str, token: &str, key: &str) -> Vec<String> {
    let reply = app.get(path, Some(token)).await;
    reply.expect(200);
    assert!(
        next_link(&reply).is_none(),
        "{path}: a list within one page has no next"
    );
    let items: &Vec<Value> = reply.json.as_array().expect("an array");
    items
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

async fn lists_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let e = id(&app.expo().await);
    app.expo().await;
    app.expo().await;
    for i in 0..5 {
        app.room(&e, &format!("Table {i}"), 4, &[]).await;
    }
    let folks = people(&app, &e, "P", 7).await;
    let (me, my_token) = folks[0].clone();
    for (other, _) in &folks[1..] {
        app.request(&e, &my_token, &[other], 20, 3).await;
        let mark = format!("/api/v1/events/{e}/participants/{other}/interest");
        app.call(Method::PUT, &mark, Some(&my_token), None)
            .await
            .expect(200);
    }
    // Someone else's request, which my list must not show.
    app.request(&e, &folks[1].1, &[&folks[2].0], 20, 3).await;

    let lists = [
        ("/api/v1/events".to_string(), ORGANISER, "id"),
        (format!("/api/v1/events/{e}/rooms"), ORGANISER, "id"),
        (format!("/api/v1/events/{e}/participants"), &my_token, "id"),
        (format!("/api/v1/events/{e}/requests"), ORGANISER, "id"),
        (format!("/api/v1/events/{e}/requests"), &my_token, "id"),
        (format!("/api/v1/events/{e}/interests"), &my_token, "participant"),
    ];
    for (path, token, key) in &lists {
        let all = whole(&app, path, token, key).await;
        assert!(all.len() >= 3, "{path}: {all:?}");
        for limit in [1, 2, 1000] {
            assert_eq!(
                every_page(&app, path, token, limit, key).await,
                all,
                "{path} by {limit}"
            );
        }
    }
    let mine = whole(&app, &format!("/api/v1/events/{e}/requests"), &my_token, "id").await;
    assert_eq!(mine.len(), 6, "only my own requests: {mine:?}");
    assert!(
        !whole(&app, &format!("/api/v1/events/{e}/participants"), &my_token, "id")
            .await
            .is_empty()
    );
    assert_eq!(me, folks[0].0);

    let rooms = format!("/api/v1/events/{e}/rooms");
    for (query, pointer) in [
        ("limit=0", "/limit"),
        ("limit=1001", "/limit"),
        ("limit=many", "/limit"),
        ("cursor=!!", "/cursor"),
        ("page=2", "/page"),
    ] {
        let reply = app.get(&format!("{rooms}?{query}"), Some(ORGANISER)).await;
        assert_eq!(reply.status.as_u16(), 422, "{query}: {}", reply.text);
        assert!(
            reply.pointers().iter().any(|p| p == pointer),
            "{query}: {}",
            reply.text
        );
    }
    // A cursor from another list names nothing in this one.
    let first = app
        .get(
            &format!("/api/v1/events/{e}/participants?limit=1"),
            Some(ORGANISER),
        )
        .await;
    let cursor = next_link(&first).expect("a next page");
    let cursor = cursor.split("cursor=").nth(1).unwrap().split('&').next().unwrap();
    for list in [rooms.clone(), format!("/api/v1/events/{e}/requests")] {
        let reply = app.get(&format!("{list}?cursor={cursor}"), Some(ORGANISER)).await;
        assert_eq!(reply.status.as_u16(), 422, "{list}: {}", reply.text);
        assert!(reply.pointers().iter().any(|p| p == "/cursor"), "{}", reply.text);
    }
}

on_both_backends!(lists_page);
