//! TLS as the system verifies it — rustls with the system's own verifier
//! (rustls-platform-verifier: the roots a school or an inspecting proxy installed in the
//! system's store, its path building, its revocation checks) — remembering who issued a
//! certificate it refused, so that the learner's support can be told which authority is
//! missing. (macOS uses the system's TLS itself, through reqwest's native-tls.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use super::error::HttpError;
use super::issuer::issuer_of;
use crate::sync::LockAnyway;

/// Who issued the certificates refused, by server name.
#[derive(Debug, Clone, Default)]
pub struct Refused(Arc<Mutex<HashMap<String, String>>>);

impl Refused {
    /// The issuer of the certificate `host` presented and was refused, if it was.
    pub fn issuer(&self, host: &str) -> Option<String> {
        self.0.lock_anyway().get(host).cloned()
    }
}

#[derive(Debug)]
struct Verifier {
    system: rustls_platform_verifier::Verifier,
    refused: Refused,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.system.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if let Err(rustls::Error::InvalidCertificate(_)) = &verified {
            let issuer = issuer_of(end_entity).unwrap_or_else(|| "an unreadable issuer".into());
            let host = server_name.to_str().into_owned();
            self.refused.0.lock_anyway().insert(host, issuer);
        }
        verified
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.system.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.system.supported_verify_schemes()
    }
}

/// A client configuration that verifies as the system does, trusting `extra_roots` too
/// (the tests' own authority), and notes in `refused` what it refuses.
pub fn client_config(
    extra_roots: &[Vec<u8>],
    refused: &Refused,
) -> Result<rustls::ClientConfig, HttpError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = extra_roots
        .iter()
        .map(|der| CertificateDer::from(der.clone()));
    // The system's own verifier as it is, unless roots are added: on Windows those take a
    // chain engine of its own, which older systems (and Wine) refuse.
    let system = if extra_roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider.clone())
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
    }
    .map_err(|e| HttpError::Setup(format!("the system's certificates: {e}")))?;
    let verifier = Verifier {
        system,
        refused: refused.clone(),
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| HttpError::Setup(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}
