//! Write rate limits across nodes, on Redis and in-process, and the 429 middleware.

use crate::cluster_support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::{get, post};
use cluster_support::{Backend, cleanup, node_pair, unique_prefix};
use rendezvous::cluster::{Cluster, RateDecision, RateLimit, WriteLimits};
use rendezvous::http::limits::limit_writes;
use tower::ServiceExt;

async fn n_plus_first_is_denied_across_nodes(backend: Backend) {
    let prefix = unique_prefix("ratelimit-cross");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let limit = RateLimit::new(5, Duration::from_secs(60));
    for request in 0..5 {
        let node = if request % 2 == 0 { &node_a } else { &node_b };
        assert_eq!(
            node.rate_limiter
                .check("meeting_requests", "token-1", limit)
                .await,
            RateDecision::Allowed
        );
    }
    for node in [&node_a, &node_b] {
        match node
            .rate_limiter
            .check("meeting_requests", "token-1", limit)
            .await
        {
            RateDecision::Denied { retry_after } => {
                assert!(
                    retry_after > Duration::ZERO && retry_after <= limit.window,
                    "{retry_after:?}"
                );
            }
            RateDecision::Allowed => panic!("the sixth request in the window must be denied"),
        }
    }
    // Other tokens and other buckets are independent.
    assert_eq!(
        node_b
            .rate_limiter
            .check("meeting_requests", "token-2", limit)
            .await,
        RateDecision::Allowed
    );
    assert_eq!(
        node_b.rate_limiter.check("writes", "token-1", limit).await,
        RateDecision::Allowed
    );
    cleanup(backend, &prefix).await;
}

async fn allowed_again_after_retry_after(backend: Backend) {
    let prefix = unique_prefix("ratelimit-refill");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let limit = RateLimit::new(2, Duration::from_secs(2));
    assert_eq!(
        node_a.rate_limiter.check("writes", "token-1", limit).await,
        RateDecision::Allowed
    );
    assert_eq!(
        node_b.rate_limiter.check("writes", "token-1", limit).await,
        RateDecision::Allowed
    );
    let RateDecision::Denied { retry_after } = node_a.rate_limiter.check("writes", "token-1", limit).await
    else {
        panic!("the third request in the window must be denied");
    };
    tokio::time::sleep(retry_after + Duration::from_millis(20)).await;
    assert_eq!(
        node_b.rate_limiter.check("writes", "token-1", limit).await,
        RateDecision::Allowed
    );
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(
    n_plus_first_is_denied_across_nodes,
    allowed_again_after_retry_after
);

fn api(cluster: &Cluster) -> Router {
    let mut limits = WriteLimits::new(cluster.rate_limiter.clone());
    limits.meeting_requests = RateLimit::new(2, Duration::from_secs(60));
    Router::new()
        .route(
            "/api/v1/events/{event}/requests",
            post(|| async { StatusCode::CREATED }).get(|| async { "[]" }),
        )
        .route(
            "/api/v1/events/{event}/rooms",
            post(|| async { StatusCode::CREATED }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .layer(axum::middleware::from_fn_with_state(limits, limit_writes))
}

fn request(method: &str, uri: &str, token: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    builder.body(Body::empty()).expect("request")
}

async fn middleware_answers_429_problem_json(backend: Backend) {
    let prefix = unique_prefix("ratelimit-http");
    let (node_a, node_b) = node_pair(backend, &prefix).await;
    let (api_a, api_b) = (api(&node_a), api(&node_b));
    let requests = "/api/v1/events/e1/requests";
    for api in [&api_a, &api_b] {
        let response = api
            .clone()
            .oneshot(request("POST", requests, Some("alice")))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let response = api_a
        .clone()
        .oneshot(request("POST", requests, Some("alice")))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .expect("body");
    let problem: serde_json::Value = serde_json::from_slice(&body).expect("problem json");
    assert_eq!(problem["status"], 429);
    assert_eq!(problem["type"], "/problems/rate-limited");

    // The scheme is case-insensitive for the limiter as it is for authentication: another
    // spelling of the same token is the same caller, still over its limit.
    for scheme in ["BEARER", "bEaReR"] {
        let mut spelled = request("POST", requests, None);
        spelled.headers_mut().insert(
            header::AUTHORIZATION,
            format!("{scheme} alice").parse().expect("header"),
        );
        let response = api_b.clone().oneshot(spelled).await.expect("response");
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{scheme}");
    }

    // Reads, other writes, other tokens and unauthenticated requests are not held back by it.
    let response = api_b
        .clone()
        .oneshot(request("GET", requests, Some("alice")))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let response = api_b
        .clone()
        .oneshot(request("POST", "/api/v1/events/e1/rooms", Some("alice")))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = api_b
        .clone()
        .oneshot(request("POST", requests, Some("bob")))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = api_b
        .clone()
        .oneshot(request("POST", requests, None))
        .await
        .expect("response");
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "authentication, not the limiter, answers these"
    );
    cleanup(backend, &prefix).await;
}

on_both_coordinators!(middleware_answers_429_problem_json);
