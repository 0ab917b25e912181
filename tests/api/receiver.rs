//! A real HTTP server on a random port that records webhook deliveries.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// One received request.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The status the receiver answered.
    pub answered: u16,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The receiver: answers 500 to the first `failures` requests, then 200.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

/// How a receiver answers its `n`th request (from 0): status, extra headers, delay.
pub type Answer = dyn Fn(usize) -> (u16, Vec<(String, String)>, std::time::Duration) + Send + Sync;

impl Receiver {
    pub fn start(failures: usize) -> Receiver {
        Self::answering(move |n| (if n < failures { 500 } else { 200 }, vec![], std::time::Duration::ZERO))
    }

    /// A receiver whose answers `answer` decides; each request is served on its own thread.
    pub fn answering(
        answer: impl Fn(usize) -> (u16, Vec<(String, String)>, std::time::Duration) + Send + Sync + 'static,
    ) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let answer: Arc<Answer> = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, answer) = (log.clone(), answer.clone());
                std::thread::spawn(move || serve(stream, &log, &*answer));
            }
        });
        Receiver { url, received }
    }

    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until `predicate` holds over the received requests (at most `seconds`).
    pub fn wait_for(&self, seconds: u64, predicate: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        loop {
            let all = self.all();
            if predicate(&all) || std::time::Instant::now() > deadline {
                return all;
            }
            std::thread::sleep(std::time::Duration::from_millis(25));
        }
    }
}

fn serve(mut stream: std::net::TcpStream, log: &Mutex<Vec<Received>>, answer: &Answer) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut headers = Vec::new();
    let mut length = 0;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim().split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let mut all = log.lock().unwrap();
    let (status, extra, delay) = answer(all.len());
    all.push(Received { headers, body: String::from_utf8_lossy(&body).to_string(), answered: status });
    drop(all);
    std::thread::sleep(delay);
    let extra: String = extra.iter().map(|(k, v)| format!("{k}: {v}\r\n")).collect();
    let _ =
        write!(stream, "HTTP/1.1 {status} Answer\r\n{extra}content-length: 0\r\nconnection: close\r\n\r\n");
}
