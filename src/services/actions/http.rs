//! A small HTTP/1.1 client for webhooks and notification services: one request per connection, HTTPS through
//! rustls with Mozilla's roots, a bound on the whole exchange, no redirects followed (as httpx, which Prefect's
//! blocks use, follows none by default).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, header};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

/// Prefect's webhook block waits 10 seconds by default; notification services answer well within that.
const TIMEOUT: Duration = Duration::from_secs(10);
/// Only the start of an answer is kept (Prefect keeps 1000 characters of a webhook's answer).
const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone)]
pub struct HttpClient {
    tls: Option<TlsConnector>,
}

/// A request to send.
pub struct Outgoing {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Default for HttpClient {
    fn default() -> Self {
        Self::new()
    }
}

impl HttpClient {
    pub fn new() -> Self {
        let roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|builder| builder.with_root_certificates(roots).with_no_client_auth());
        // The ring provider supports the default versions; should it not, plain http:// still works.
        Self {
            tls: config
                .ok()
                .map(|config| TlsConnector::from(Arc::new(config))),
        }
    }

    /// Sends `outgoing`; an error says what went wrong (bad URL, connection, TLS, timeout).
    pub async fn send(&self, outgoing: Outgoing) -> Result<Reply, String> {
        match tokio::time::timeout(TIMEOUT, self.exchange(outgoing)).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {} seconds", TIMEOUT.as_secs())),
        }
    }

    async fn exchange(&self, outgoing: Outgoing) -> Result<Reply, String> {
        let url = url::Url::parse(&outgoing.url).map_err(|e| format!("invalid URL: {e}"))?;
        let host = url
            .host_str()
            .ok_or_else(|| "the URL has no host".to_owned())?
            .to_owned();
        let port = url
            .port_or_known_default()
            .ok_or_else(|| format!("no port known for the scheme {}", url.scheme()))?;
        let connect_host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tcp = TcpStream::connect((connect_host.as_str(), port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        let _ = tcp.set_nodelay(true);
        match url.scheme() {
            "http" => request(tcp, &url, outgoing).await,
            "https" => {
                let name = ServerName::try_from(connect_host.clone())
                    .map_err(|e| format!("invalid server name {host}: {e}"))?;
                let Some(connector) = &self.tls else {
                    return Err("TLS is not available in this build".into());
                };
                let tls = connector
                    .connect(name, tcp)
                    .await
                    .map_err(|e| format!("TLS with {host}: {e}"))?;
                request(tls, &url, outgoing).await
            }
            other => Err(format!("unsupported URL scheme {other:?}")),
        }
    }
}

async fn request<S>(stream: S, url: &url::Url, outgoing: Outgoing) -> Result<Reply, String>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("HTTP handshake: {e}"))?;
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut builder = Request::builder()
        .method(outgoing.method)
        .uri(target)
        .header(header::HOST, host)
        .header(
            header::USER_AGENT,
            concat!("prefect-rs/", env!("CARGO_PKG_VERSION")),
        );
    if !url.username().is_empty() {
        use base64::Engine;
        let credentials = format!(
            "{}:{}",
            percent_decode(url.username()),
            percent_decode(url.password().unwrap_or_default())
        );
        let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
        builder = builder.header(header::AUTHORIZATION, format!("Basic {encoded}"));
    }
    for (name, value) in &outgoing.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let request = builder
        .body(Body::from(outgoing.body))
        .map_err(|e| format!("invalid request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("HTTP request: {e}"))?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let bytes = axum::body::to_bytes(Body::new(response.into_body()), MAX_BODY)
        .await
        .unwrap_or_default();
    driver.abort();
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}
