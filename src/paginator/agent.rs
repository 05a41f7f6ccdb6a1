//! The agent a walk gets when the user passes none: pagewalk's user agent,
//! and the TLS stack the crate's features choose.

use std::time::Duration;

/// A new agent for one walk; its connections are kept alive from page to
/// page. It is configured once as every request of a walk needs (see
/// `http/send.rs`), so that no request pays for a configuration of its own.
pub(super) fn default_agent(timeout: Duration, connect_timeout: Duration) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .user_agent(concat!("pagewalk/", env!("CARGO_PKG_VERSION")))
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(connect_timeout))
        .timeout_send_request(Some(timeout))
        .timeout_send_body(Some(timeout))
        .timeout_recv_response(Some(timeout))
        .timeout_recv_body(Some(timeout));
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    let config = config.tls_config(tls_config());
    config.build().into()
}

/// The TLS stack that the crate features choose: `native-tls` (with the
/// system's roots) over rustls; with rustls, the platform's verifier under
/// `platform-verifier`, else the bundled Mozilla roots.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls_config() -> ureq::tls::TlsConfig {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let (provider, roots) = if cfg!(feature = "native-tls") {
        (TlsProvider::NativeTls, RootCerts::PlatformVerifier)
    } else if cfg!(feature = "platform-verifier") {
        (TlsProvider::Rustls, RootCerts::PlatformVerifier)
    } else {
        (TlsProvider::Rustls, RootCerts::WebPki)
    };
    TlsConfig::builder()
        .provider(provider)
        .root_certs(roots)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn the_default_agent_uses_the_tls_stack_that_the_features_choose() {
        use ureq::tls::{RootCerts, TlsProvider};
        let agent = default_agent(Duration::from_secs(30), Duration::from_secs(10));
        let tls = agent.config().tls_config();
        let native = cfg!(feature = "native-tls");
        let platform = native || cfg!(feature = "platform-verifier");
        let provider = if native {
            TlsProvider::NativeTls
        } else {
            TlsProvider::Rustls
        };
        assert_eq!(tls.provider(), provider);
        assert_eq!(
            matches!(tls.root_certs(), RootCerts::PlatformVerifier),
            platform,
            "{tls:?}"
        );
        assert_eq!(
            matches!(tls.root_certs(), RootCerts::WebPki),
            !platform,
            "{tls:?}"
        );
    }
}
