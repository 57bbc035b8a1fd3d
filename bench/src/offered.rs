//! An open-loop load generator: requests leave on a fixed schedule at the offered rate,
//! whether or not earlier ones were answered, and each one's latency runs from the time it
//! was due to leave (so a stalled server's queue shows in the latency instead of slowing the
//! sender down: no coordinated omission). Runs on a runtime and thread of its own, apart from
//! the nodes' runtime.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hdrhistogram::Histogram;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::time::Instant;

/// What one request does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// A participant reads its own agenda with its own token.
    Agenda,
    /// A participant asks another for a meeting.
    Create,
    /// An invitee accepts a pending request (without a slot: the solver places it).
    Accept,
}

impl Op {
    pub const ALL: [Op; 3] = [Op::Agenda, Op::Create, Op::Accept];
}

/// The expo the load runs against, shared by every point.
pub struct Workload {
    pub nodes: Vec<String>,
    pub event: String,
    /// Every participant's id and token.
    pub participants: Vec<(String, String)>,
    /// Pending requests still to accept: the accept path and the invitee's token. Requests
    /// the load creates join it.
    pub pending: Mutex<Vec<(String, String)>>,
    pub slot_minutes: u32,
    /// Per cent of requests that create a request, and that accept one; the rest read agendas.
    pub create_percent: u32,
    pub accept_percent: u32,
}

/// What one point measured.
pub struct Point {
    pub offered_per_second: f64,
    /// Answered or failed, and the time from the first due request to the last answer.
    pub completed: u64,
    pub elapsed: Duration,
    /// Latency in µs, from each request's due time, over all requests and per operation.
    pub all: Histogram<u64>,
    pub per_op: BTreeMap<Op, Histogram<u64>>,
    /// Answers by status code; `None`: no answer (timeout, connection refused or reset).
    pub statuses: BTreeMap<Option<u16>, u64>,
}

impl Point {
    pub fn count(&self, pick: impl Fn(Option<u16>) -> bool) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| pick(**s))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn share_2xx(&self) -> f64 {
        self.count(|s| s.is_some_and(|s| (200..300).contains(&s))) as f64 / self.completed.max(1) as f64
    }

    pub fn ms(histogram: &Histogram<u64>, quantile: f64) -> f64 {
        if histogram.is_empty() {
            return 0.0;
        }
        histogram.value_at_quantile(quantile) as f64 / 1000.0
    }
}

struct Outcome {
    op: Op,
    status: Option<u16>,
    latency: Duration,
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 10 min, 3 significant digits.
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

/// Offers `rate` requests per second for `seconds`, at most `max_in_flight` of them open at
/// once on the client (a request waiting for one is late, and its wait counts).
pub fn offer(
    workload: Arc<Workload>,
    rate: f64,
    seconds: f64,
    max_in_flight: usize,
    timeout: Duration,
    seed: u64,
) -> anyhow::Result<Point> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(offer_on_this_thread(
        workload,
        rate,
        seconds,
        max_in_flight,
        timeout,
        seed,
    ))
}

async fn offer_on_this_thread(
    workload: Arc<Workload>,
    rate: f64,
    seconds: f64,
    max_in_flight: usize,
    timeout: Duration,
    seed: u64,
) -> anyhow::Result<Point> {
    let clients: Vec<reqwest::Client> = (0..workload.nodes.len())
        .map(|_| {
            reqwest::Client::builder()
                .timeout(timeout)
                .tcp_nodelay(true)
                .pool_max_idle_per_host(max_in_flight)
                .build()
        })
        .collect::<Result<_, _>>()?;
    let total = (rate * seconds).round() as u64;
    let (results, mut received) = tokio::sync::mpsc::unbounded_channel::<Outcome>();
    let slots = Arc::new(Semaphore::new(max_in_flight));
    let start = Instant::now();
    let dispatcher = {
        let workload = workload.clone();
        tokio::spawn(async move {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut tick = tokio::time::interval(Duration::from_millis(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut sent = 0u64;
            while sent < total {
                tick.tick().await;
                let due = ((start.elapsed().as_secs_f64() * rate) as u64).min(total);
                while sent < due {
                    let intended = start + Duration::from_secs_f64(sent as f64 / rate);
                    let node = (sent as usize) % clients.len();
                    let planned = next_request(&workload, &workload.nodes[node], &clients[node], &mut rng);
                    let (slots, results, workload) = (slots.clone(), results.clone(), workload.clone());
                    tokio::spawn(async move {
                        let op = planned.op;
                        let outcome = match slots.acquire_owned().await {
                            Ok(_permit) => send(&workload, planned, intended).await,
                            Err(_) => Outcome {
                                op,
                                status: None,
                                latency: intended.elapsed(),
                            },
                        };
                        results.send(outcome).ok();
                    });
                    sent += 1;
                }
            }
        })
    };
    let mut point = Point {
        offered_per_second: rate,
        completed: 0,
        elapsed: Duration::ZERO,
        all: histogram(),
        per_op: Op::ALL.iter().map(|op| (*op, histogram())).collect(),
        statuses: BTreeMap::new(),
    };
    while let Some(outcome) = received.recv().await {
        let micros = u64::try_from(outcome.latency.as_micros())
            .unwrap_or(u64::MAX)
            .clamp(1, 600_000_000);
        point.all.saturating_record(micros);
        if let Some(h) = point.per_op.get_mut(&outcome.op) {
            h.saturating_record(micros);
        }
        *point.statuses.entry(outcome.status).or_default() += 1;
        point.completed += 1;
        if point.completed == total {
            break;
        }
    }
    point.elapsed = start.elapsed();
    dispatcher.await?;
    Ok(point)
}

/// One request to send: what it does, and for a creation the invitee's index (its token
/// accepts the new request later).
struct Planned {
    op: Op,
    invitee: Option<usize>,
    request: reqwest::RequestBuilder,
}

/// Picks the next request of the mix, for `node`; an accept with no pending request left
/// reads an agenda instead.
fn next_request(workload: &Workload, node: &str, client: &reqwest::Client, rng: &mut ChaCha8Rng) -> Planned {
    let participants = &workload.participants;
    let event = &workload.event;
    let roll = rng.random_range(0..100);
    if roll < workload.accept_percent {
        let pending = workload.pending.lock().expect("pending list").pop();
        if let Some((path, token)) = pending {
            let request = client
                .post(format!("http://{node}{path}"))
                .bearer_auth(token)
                .json(&json!({}));
            return Planned {
                op: Op::Accept,
                invitee: None,
                request,
            };
        }
    } else if roll < workload.accept_percent + workload.create_percent {
        let from = rng.random_range(0..participants.len());
        let mut to = rng.random_range(0..participants.len() - 1);
        if to >= from {
            to += 1;
        }
        let body = json!({
            "with": [participants[to].0],
            "duration_minutes": workload.slot_minutes,
            "priority": 3,
            "message": "open-loop load",
        });
        let request = client
            .post(format!("http://{node}/api/v1/events/{event}/requests"))
            .bearer_auth(&participants[from].1)
            .json(&body);
        return Planned {
            op: Op::Create,
            invitee: Some(to),
            request,
        };
    }
    let (id, token) = &participants[rng.random_range(0..participants.len())];
    let request = client
        .get(format!(
            "http://{node}/api/v1/events/{event}/participants/{id}/agenda"
        ))
        .bearer_auth(token);
    Planned {
        op: Op::Agenda,
        invitee: None,
        request,
    }
}

/// Sends one request; a created request goes on the list to accept.
async fn send(workload: &Workload, planned: Planned, intended: Instant) -> Outcome {
    let Planned { op, invitee, request } = planned;
    let status = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            let body = response.bytes().await;
            if let (Some(invitee), Ok(body), 201) = (invitee, &body, status)
                && let Ok(created) = serde_json::from_slice::<serde_json::Value>(body)
                && let Some(id) = created["id"].as_str()
            {
                let path = format!("/api/v1/events/{}/requests/{id}/accept", workload.event);
                let token = workload.participants[invitee].1.clone();
                workload.pending.lock().expect("pending list").push((path, token));
            }
            body.ok().map(|_| status)
        }
        Err(_) => None,
    };
    Outcome {
        op,
        status,
        latency: intended.elapsed(),
    }
}
