//! Load shedding at the edge: a node works on at most `max_in_flight` requests at once; one
//! more is answered at once with 503 problem+json and `Retry-After` (the one error type), so
//! past its capacity a node refuses quickly instead of queueing without bound on the
//! database pool and the runtime, where every request would wait until it times out.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::Semaphore;

use super::error::ApiError;

/// The requests in flight on one node.
#[derive(Clone)]
pub struct InFlight(Arc<Semaphore>);

impl InFlight {
    /// At most `limit` requests at once (at least 1).
    pub fn new(limit: u32) -> Self {
        Self(Arc::new(Semaphore::new(limit.max(1) as usize)))
    }
}

/// Holds a permit while the request is worked on, until its response's head is ready (a live
/// stream's body goes on without one); none left: 503.
pub async fn shed(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    let Ok(_permit) = in_flight.0.clone().try_acquire_owned() else {
        metrics::counter!("http_requests_shed_total").increment(1);
        return ApiError::Unavailable("the server is at capacity; retry shortly".into()).into_response();
    };
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{StatusCode, header};
    use axum::routing::get;
    use tokio::sync::{Notify, oneshot};
    use tower::ServiceExt as _;

    use super::*;

    #[tokio::test]
    async fn with_one_request_in_flight_and_a_limit_of_one_the_next_is_503_until_it_ends() {
        let (entered_tx, entered_rx) = oneshot::channel::<()>();
        let entered = Arc::new(std::sync::Mutex::new(Some(entered_tx)));
        let release = Arc::new(Notify::new());
        let held = release.clone();
        let router = Router::new()
            .route(
                "/slow",
                get(move || async move {
                    if let Some(tx) = entered.lock().unwrap().take() {
                        tx.send(()).ok();
                    }
                    held.notified().await;
                    "done"
                }),
            )
            .route("/fast", get(|| async { "fast" }))
            .layer(axum::middleware::from_fn_with_state(InFlight::new(1), shed));
        let call = |path: &'static str| {
            let router = router.clone();
            async move {
                router
                    .oneshot(axum::http::Request::get(path).body(Body::empty()).unwrap())
                    .await
                    .unwrap()
            }
        };

        let slow = tokio::spawn(call("/slow"));
        entered_rx.await.unwrap();
        let refused = call("/fast").await;
        assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            refused.headers()[header::RETRY_AFTER],
            crate::http::error::RETRY_UNAVAILABLE_SECONDS.to_string().as_str()
        );
        assert_eq!(
            refused.headers()[header::CONTENT_TYPE],
            crate::http::error::PROBLEM_JSON
        );
        let body = axum::body::to_bytes(refused.into_body(), 4096).await.unwrap();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem["type"], "/problems/unavailable");
        assert_eq!(problem["status"], 503);

        release.notify_one();
        assert_eq!(slow.await.unwrap().status(), StatusCode::OK);
        assert_eq!(call("/fast").await.status(), StatusCode::OK);
    }
}
